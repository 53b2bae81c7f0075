// Restore point names found in the WAL (pg_create_restore_point), as the restore dialog offers
// them: one entry per name, newest first. A name can be created more than once and on several
// timelines; the planner recovers to the newest occurrence on the chosen timeline's history, so
// that is the occurrence shown.
import { compareLsn } from "@tideline/core";
import type { TRestorePointName } from "@/lib/trpc";

export interface NameChoice {
  name: string;
  /** The newest occurrence (highest timeline, then highest LSN). */
  newest: TRestorePointName;
  timelines: number[];
  count: number;
}


function newer(a: TRestorePointName, b: TRestorePointName): boolean {
  if (a.timeline !== b.timeline) return a.timeline > b.timeline;
  return compareLsn(a.lsn, b.lsn) > 0;
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
