// Restore point names found in the WAL (pg_create_restore_point), as the restore dialog offers
// them: one entry per name, newest first. A name can be created more than once and on several
// timelines; the planner recovers to the newest occurrence on the chosen timeline's history, so
// that is the occurrence shown.
import type { TRestorePointName } from "@/lib/trpc";

export interface NameChoice {
  name: string;
  /** The newest occurrence (highest timeline, then highest LSN). */
  newest: TRestorePointName;
  timelines: number[];
  count: number;
}

/** "16/B374D848" → 0x16B374D848n, for ordering LSNs. */
export function lsnValue(lsn: string): bigint {
  const [hi = "0", lo = "0"] = lsn.split("/");
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** An LSN the way the planner writes it ("0/3000060"), whatever padding the WAL reader used ("0/03000060"). */
export function formatLsn(lsn: string): string {
  const v = lsnValue(lsn);
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}

function newer(a: TRestorePointName, b: TRestorePointName): boolean {
  if (a.timeline !== b.timeline) return a.timeline > b.timeline;
  return lsnValue(a.lsn) > lsnValue(b.lsn);
}

export function nameChoices(points: readonly TRestorePointName[]): NameChoice[] {
  const byName = new Map<string, NameChoice>();
  for (const p of points) {
    const c = byName.get(p.name);
    if (!c) {
      byName.set(p.name, { name: p.name, newest: p, timelines: [p.timeline], count: 1 });
      continue;
    }
    c.count++;
    if (!c.timelines.includes(p.timeline)) c.timelines.push(p.timeline);
    if (newer(p, c.newest)) c.newest = p;
  }
  return [...byName.values()]
    .map((c) => ({ ...c, timelines: c.timelines.sort((a, b) => a - b) }))
    .sort((a, b) => (newer(a.newest, b.newest) ? -1 : newer(b.newest, a.newest) ? 1 : 0));
}
