// Job kind → handler on this agent.
import { applyRetention } from "./apply-retention";
import { baseBackup } from "./base-backup";
import { checkCluster } from "./check-cluster";
import { configureStorage } from "./configure-storage";
import { restoreToCloneJob } from "./restore-to-clone";
import { destroyClone } from "./destroy-clone";
import { restoreDr } from "./restore-dr";
import { restoreTable } from "./restore-table";
import { setSynchronous } from "./set-synchronous";
import { copyClone } from "../clones/copy-clone";
import { runDrill } from "./run-drill";
import { createRestorePoint } from "./create-restore-point";
import { diagSleep } from "./diag-sleep";
import { inspectCluster } from "./inspect-cluster";
import { readWalEvents } from "./read-wal-events";
import type { TJobKind } from "@tideline/protocol";
import type { JobHandler } from "./job-context";
import { protectCluster } from "./protect-cluster";
import { unprotectCluster } from "./unprotect-cluster";

/** Every job kind of the protocol has its handler here: the compiler checks payloads and results. */
export const jobHandlers: { [K in TJobKind]: JobHandler<K> } = {
  "cluster.inspect": inspectCluster,
  "cluster.check": checkCluster,
  "cluster.protect": protectCluster,
  "cluster.unprotect": unprotectCluster,
  "cluster.synchronous": setSynchronous,
  "restore-point.create": createRestorePoint,
  "backup.base": baseBackup,
  "retention.apply": applyRetention,
  "clone.create": restoreToCloneJob,
  "clone.copy": copyClone,
  "clone.destroy": destroyClone,
  "drill.run": runDrill,
  "restore.dr": restoreDr,
  "table.restore": restoreTable,
  "storage.configure": configureStorage,
  "wal.events": readWalEvents,
  "diag.sleep": diagSleep,
};
