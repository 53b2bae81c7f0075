// Clone lifetimes: "30m", "4h", "2d".
import { AppError } from "../errors";

export function parseTtl(s: string): number {
  const m = /^(\d+)\s*(m|h|d)$/.exec(s.trim());
  if (!m) throw new AppError("INVALID_TTL", `"${s}" is not a lifetime; use e.g. 30m, 4h or 2d`);
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "m" | "h" | "d"];
  if (ms < 60_000 || ms > 90 * 86_400_000) throw new AppError("INVALID_TTL", "a clone lives between 1 minute and 90 days");
  return ms;
}
