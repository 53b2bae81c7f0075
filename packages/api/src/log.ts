// Structured logging over pino: one JSON object per line (stderr by default), with redaction of
// every field that could carry a secret, so a careless `log.info("…", { payload })` still prints
// `"password":"********"`. The facade keeps Tideline's call shape, `log.info(msg, fields)`.
import { pino } from "pino";

export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Field names that hold secrets, at the top level and one or two levels down. */
const SECRET_KEYS = ["password", "secret", "token", "conninfo", "authorization", "replicationConninfo", "superPassword"];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
    child: (fields) => wrap(p.child(fields)),
  };
}

export function createLogger(
  base: Record<string, unknown> = {},
  min: Level = (process.env.TIDELINE_LOG_LEVEL as Level) ?? "info",
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const logger = pino(
    {
      level: min,
      base,
      messageKey: "msg",
      timestamp: () => `,"t":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "********" },
    },
    { write },
  );
  return wrap(logger);
}
