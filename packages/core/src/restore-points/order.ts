// The order restore points are listed and evaluated in: when they were taken, then where they are
// in the WAL. Storage reports creation times in whole seconds (zfs `creation`), so two points
// taken in the same second tie on time; their timeline and LSN still order them.

import { compareLsn } from "../lsn/lsn";

export type OrderableRestorePoint = { createdAt: Date; timeline: number; lsn: string };

export function compareRestorePoints(a: OrderableRestorePoint, b: OrderableRestorePoint): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.timeline - b.timeline || compareLsn(a.lsn, b.lsn);
}
