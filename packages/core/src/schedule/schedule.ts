// Schedules for restore points, base backups, retention and drills: fixed intervals ("15m") or
// 5-field cron expressions, always evaluated in UTC.

import { TidelineError } from "../errors";

export type Schedule =
  | { kind: "interval"; source: string; seconds: number }
  | {
      kind: "cron";
      source: string;
      minutes: number[];
      hours: number[];
      daysOfMonth: number[];
      months: number[];
      /** 0 = Sunday … 6 = Saturday (7 is folded into 0). */
      daysOfWeek: number[];
      /** Whether the day-of-month / day-of-week field started with "*" (see dayMatches). */
      domStar: boolean;
      dowStar: boolean;
    };

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

type Field = { name: string; min: number; max: number; names?: string[]; namesFrom?: number };

const FIELDS: Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: DAY_NAMES, namesFrom: 0 },
];

function invalid(source: string, why: string): never {
  throw new TidelineError(
    "INVALID_SCHEDULE",
    `${JSON.stringify(source)} is not a schedule: ${why}. Use an interval like 15m, 2h, 1d or a cron expression like "*/15 * * * *"`,
  );
}

function parseValue(source: string, field: Field, text: string): number {
  const upper = text.toUpperCase();
  const named = field.names?.indexOf(upper) ?? -1;
  if (named >= 0) return named + field.namesFrom!;
  if (!/^\d+$/.test(text)) invalid(source, `${JSON.stringify(text)} is not a valid ${field.name}`);
  const n = Number(text);
  if (n < field.min || n > field.max) {
    invalid(source, `${field.name} ${n} is outside ${field.min}–${field.max}`);
  }
  return n;
}

function parseField(source: string, field: Field, text: string): number[] {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) invalid(source, `${JSON.stringify(part)} is not a valid ${field.name}`);
    const [, range, stepText] = m;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) invalid(source, `the step in ${JSON.stringify(part)} must be at least 1`);
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = field.min;
      hi = field.max;
    } else if (range!.includes("-")) {
      const [a, b, ...rest] = range!.split("-");
      if (rest.length > 0 || a === undefined || b === undefined)
        invalid(source, `${JSON.stringify(part)} is not a range`);
      lo = parseValue(source, field, a);
      hi = parseValue(source, field, b);
      if (lo > hi) invalid(source, `the range ${JSON.stringify(range)} runs backwards`);
    } else {
      lo = parseValue(source, field, range!);
      // "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
      hi = stepText === undefined ? lo : field.max;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseSchedule(s: string): Schedule {
  const source = typeof s === "string" ? s.trim() : "";
  if (source === "") invalid(String(s), "it is empty");

  const interval = /^(\d+)\s*([smhd])$/i.exec(source);
  if (interval) {
    const seconds = Number(interval[1]) * UNITS[interval[2]!.toLowerCase()]!;
    if (seconds === 0) invalid(source, "the interval must be longer than zero");
    return { kind: "interval", source, seconds };
  }

  const expanded = MACROS[source.toLowerCase()] ?? source;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 5) {
    invalid(
      source,
      `a cron expression has 5 fields (minute hour day-of-month month day-of-week), this has ${parts.length}`,
    );
  }
  const [minutes, hours, daysOfMonth, months, dow] = FIELDS.map((f, i) =>
    parseField(source, f, parts[i]!),
  ) as [number[], number[], number[], number[], number[]];
  const daysOfWeek = [...new Set(dow.map((d) => d % 7))].sort((a, b) => a - b);
  const domStar = parts[2]!.startsWith("*");
  const dowStar = parts[4]!.startsWith("*");
  // "0 0 30 2 *" would never fire; say so now rather than hang the scheduler later.
  if (!domStar && dowStar && !months.some((m) => daysOfMonth.some((d) => d <= DAYS_IN_MONTH[m - 1]!))) {
    invalid(source, "that day of month never occurs in those months");
  }
  return { kind: "cron", source, minutes, hours, daysOfMonth, months, daysOfWeek, domStar, dowStar };
}

// Vixie cron: when both day fields are restricted, a day matching either one runs the job;
// a field that starts with "*" (even "*/2") counts as unrestricted.
function dayMatches(s: Extract<Schedule, { kind: "cron" }>, d: Date): boolean {
  const dom = s.daysOfMonth.includes(d.getUTCDate());
  const dow = s.daysOfWeek.includes(d.getUTCDay());
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/**
 * The first run strictly after `after`. Intervals are aligned to the Unix epoch (15m fires at
 * :00, :15, :30, :45; 1d at midnight UTC), so runs do not drift when a scheduler restarts.
 */
export function nextRun(schedule: Schedule, after: Date): Date {
  const from = after.getTime();
  if (Number.isNaN(from)) throw new TidelineError("INVALID_SCHEDULE", "nextRun was given an invalid date");
  if (schedule.kind === "interval") {
    const ms = schedule.seconds * 1000;
    return new Date((Math.floor(from / ms) + 1) * ms);
  }

  const t = new Date(Math.floor(from / 60_000) * 60_000 + 60_000);
  // Enough for Feb 29 that also has to be a given weekday (28-year cycle) and then some.
  const limit = from + 30 * 366 * 86_400_000;
  while (t.getTime() <= limit) {
    if (!schedule.months.includes(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(schedule, t)) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!schedule.hours.includes(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!schedule.minutes.includes(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return t;
  }
  throw new TidelineError("INVALID_SCHEDULE", `${JSON.stringify(schedule.source)} never runs`);
}
