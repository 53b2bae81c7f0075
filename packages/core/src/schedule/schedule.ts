// Schedules for restore points, base backups, retention and drills: fixed intervals ("15m") or
// 5-field cron expressions evaluated in the DBA's time zone ("0 3 * * *" in Europe/Berlin runs at
// 03:00 Berlin time, summer and winter). Cron parsing and time-zone arithmetic are cron-parser's;
// what is ours is the interval form, the five-field rule and errors a DBA can act on.
import { CronExpressionParser } from "cron-parser";
import { TidelineError } from "../errors";

export type Schedule =
  | { kind: "interval"; source: string; seconds: number }
  | {
      kind: "cron";
      source: string;
      /** IANA time zone the expression is read in. */
      timeZone: string;
    };

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MACROS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

function invalid(source: string, why: string): never {
  throw new TidelineError(
    "INVALID_SCHEDULE",
    `${JSON.stringify(source)} is not a schedule: ${why}. Use an interval like 15m, 2h, 1d or a cron expression like "*/15 * * * *"`,
  );
}

/** A time zone PostgreSQL and browsers also know (IANA), or UTC. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseSchedule(s: string, timeZone = "UTC"): Schedule {
  const source = typeof s === "string" ? s.trim() : "";
  if (source === "") invalid(String(s), "it is empty");

  const interval = /^(\d+)\s*([smhd])$/i.exec(source);
  if (interval) {
    const seconds = Number(interval[1]) * UNITS[interval[2]!.toLowerCase()]!;
    if (seconds === 0) invalid(source, "the interval must be longer than zero");
    return { kind: "interval", source, seconds };
  }

  if (!isTimeZone(timeZone)) {
    throw new TidelineError("INVALID_TIME_ZONE", `${JSON.stringify(timeZone)} is not a time zone; use an IANA name like Europe/Berlin or UTC`);
  }
  if (!MACROS.has(source.toLowerCase())) {
    const fields = source.split(/\s+/).length;
    // cron-parser also reads 6 fields (seconds first): a restore point schedule has minutes at most
    if (fields !== 5) invalid(source, `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has ${fields}`);
  }
  const schedule: Schedule = { kind: "cron", source, timeZone };
  try {
    // parse and find one run: an expression that never fires ("0 0 30 2 *") is refused now,
    // not discovered by a scheduler that waits forever
    CronExpressionParser.parse(source, { tz: timeZone, currentDate: new Date() }).next();
  } catch (err) {
    const why = (err as Error).message;
    invalid(source, /day of month/i.test(why) ? "that day of month never occurs in those months" : why.replace(/\.$/, ""));
  }
  return schedule;
}

/**
 * The first run strictly after `after`. Intervals are aligned to the Unix epoch (15m fires at
 * :00, :15, :30, :45; 1d at midnight UTC), so runs do not drift when a scheduler restarts. A cron
 * time skipped by a change to summer time runs at the first minute after it.
 */
export function nextRun(schedule: Schedule, after: Date): Date {
  const from = after.getTime();
  if (Number.isNaN(from)) throw new TidelineError("INVALID_SCHEDULE", "nextRun was given an invalid date");
  if (schedule.kind === "interval") {
    const ms = schedule.seconds * 1000;
    return new Date((Math.floor(from / ms) + 1) * ms);
  }
  try {
    return CronExpressionParser.parse(schedule.source, { tz: schedule.timeZone, currentDate: after }).next().toDate();
  } catch (err) {
    throw new TidelineError("INVALID_SCHEDULE", `${JSON.stringify(schedule.source)} never runs (${(err as Error).message})`);
  }
}

/** The next `count` runs after `after`, for showing a DBA what a schedule means in their zone. */
export function nextRuns(schedule: Schedule, after: Date, count: number): Date[] {
  const out: Date[] = [];
  let t = after;
  for (let i = 0; i < count; i++) {
    t = nextRun(schedule, t);
    out.push(t);
  }
  return out;
}
