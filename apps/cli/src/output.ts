// How the CLI speaks: tables for people, exactly one JSON document on stdout with --json, and
// errors as `CODE: sentence` with a non-zero exit.
import { errorCode, TRPCClientError } from "@tideline/client";

export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

export function printTable(rows: Array<Record<string, unknown>>, columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write("(none)\n");
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? "-" : v instanceof Date ? v.toISOString().replace("T", " ").slice(0, 19) : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  process.stdout.write(`${line(columns.map((c) => c.toUpperCase()))}\n`);
  for (const r of rows) process.stdout.write(`${line(columns.map((c) => cell(r[c])))}\n`);
}

export function describeError(err: unknown): { code: string; message: string; fieldErrors?: unknown } {
  if (err instanceof CliError) return { code: err.code, message: err.message };
  if (err instanceof TRPCClientError) {
    // refusals before any procedure ran (TOKEN_INVALID, UNAUTHENTICATED, FORBIDDEN) carry their code in the sentence
    const own = /^([A-Z][A-Z_]+): /.exec(err.message)?.[1];
    const code = own ?? errorCode(err) ?? "API_ERROR";
    const data = err.data as { zodError?: { fieldErrors?: Record<string, string[]>; formErrors?: string[] } } | undefined;
    let message = err.message.startsWith(`${code}: `) ? err.message.slice(code.length + 2) : err.message;
    if (data?.zodError) {
      // "target: Invalid input; port: Too big" instead of zod's JSON
      const fields = Object.entries(data.zodError.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(", ")}`);
      message = [...(data.zodError.formErrors ?? []), ...fields].join("; ") || message;
      return { code: "INVALID_INPUT", message, fieldErrors: data.zodError.fieldErrors };
    }
    if (/fetch failed|ECONNREFUSED/.test(err.message)) return { code: "COORDINATOR_UNREACHABLE", message: `cannot reach the coordinator (${err.message})` };
    return { code, message, fieldErrors: data?.zodError?.fieldErrors };
  }
  const e = err as Error & { code?: string };
  return { code: typeof e.code === "string" ? e.code : "ERROR", message: e.message };
}
