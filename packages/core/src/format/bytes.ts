// Human-readable sizes and durations for the console and the CLI.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/**
 * Powers of 1024 with IEC unit names, as the console shows them, one decimal below 10 units:
 * "512 B", "1.5 KiB", "16 MiB", "1.1 GiB".
 */
export function formatBytes(n: number | bigint): string {
  if (typeof n === "number" && !Number.isFinite(n)) return String(n);
  const negative = n < 0;
  let value = Math.abs(Number(n));
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let text: string;
  if (unit === 0) text = `${Math.round(value)} B`;
  else {
    let rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
    if (rounded >= 1024 && unit < UNITS.length - 1) {
      rounded = 1;
      unit++;
    }
    text = `${rounded} ${UNITS[unit]}`;
  }
  return negative ? `-${text}` : text;
}

/** "850 ms", "5.3 s", "45 s", "15 min 3 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds < 0) return `-${formatDuration(-seconds)}`;
  if (seconds < 1) {
    const ms = Math.round(seconds * 1000);
    return ms === 1000 ? "1 s" : `${ms} ms`;
  }
  if (seconds < 10 && Math.round(seconds * 10) < 100) return `${Math.round(seconds * 10) / 10} s`;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
  if (total < 3600) return pair(Math.floor(total / 60), "min", total % 60, "s");
  if (total < 86_400) return pair(Math.floor(total / 3600), "h", Math.floor((total % 3600) / 60), "min");
  return pair(Math.floor(total / 86_400), "d", Math.floor((total % 86_400) / 3600), "h");
}
