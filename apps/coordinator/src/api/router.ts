// The coordinator's whole tRPC API, one procedure per file. The console and the CLI import only
// the `AppRouter` type from here.
import { listAgents } from "./agents/list-agents";
import { createEnrollmentToken } from "./agents/create-enrollment-token";
import { listAudit } from "./audit/list-audit";
import { getMe } from "./auth/get-me";
import { signIn } from "./auth/sign-in";
import { signOut } from "./auth/sign-out";
import { inspectCluster } from "./clusters/inspect-cluster";
import { listClusters } from "./clusters/list-clusters";
import { cancelJob } from "./jobs/cancel-job";
import { createJob } from "./jobs/create-job";
import { getJob } from "./jobs/get-job";
import { listJobs } from "./jobs/list-jobs";
import { onChange } from "./jobs/on-job-change";
import { retryJob } from "./jobs/retry-job";
import { createApiToken } from "./tokens/create-api-token";
import { listApiTokens } from "./tokens/list-api-tokens";
import { revokeApiToken } from "./tokens/revoke-api-token";
import { router } from "./trpc";
import { addCluster } from "./clusters/add-cluster";
import { getCluster } from "./clusters/get-cluster";
import { removeCluster } from "./clusters/remove-cluster";
import { updateCluster } from "./clusters/update-cluster";
import { createRestorePoint } from "./restore-points/create-restore-point";
import { listRestorePointNames } from "./restore-points/list-restore-point-names";
import { listRestorePoints } from "./restore-points/list-restore-points";
import { applyRetention, previewRetention } from "./retention/preview-retention";
import { configureStorage } from "./storage/configure-storage";
import { listStorage } from "./storage/list-storage";
import { getWindow } from "./window/get-window";
import { getClone, listClones } from "./clones/list-clones";
import { destroyClone, extendClone, protectClone } from "./clones/manage-clone";
import { configureDrill, listDrills, runDrill } from "./drills/drills";
import { createDrRestore } from "./restore/create-dr-restore";
import { createRestore } from "./restore/create-restore";
import { planRestore } from "./restore/plan-restore";
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, testWebhook } from "./webhooks/webhooks";
import { createUser } from "./users/create-user";
import { listUsers } from "./users/list-users";

export const appRouter = router({
  auth: router({ signIn, signOut, me: getMe }),
  agents: router({ list: listAgents, createEnrollmentToken }),
  clusters: router({ list: listClusters, get: getCluster, add: addCluster, update: updateCluster, remove: removeCluster, inspect: inspectCluster, window: getWindow }),
  restorePoints: router({ list: listRestorePoints, names: listRestorePointNames, create: createRestorePoint }),
  retention: router({ preview: previewRetention, run: applyRetention }),
  storage: router({ list: listStorage, configure: configureStorage }),
  restore: router({ plan: planRestore, create: createRestore, disasterRecovery: createDrRestore }),
  clones: router({ list: listClones, get: getClone, destroy: destroyClone, extend: extendClone, protect: protectClone }),
  drills: router({ run: runDrill, configure: configureDrill, list: listDrills }),
  webhooks: router({ list: listWebhooks, create: createWebhook, remove: deleteWebhook, test: testWebhook, deliveries: listDeliveries }),
  jobs: router({ list: listJobs, get: getJob, create: createJob, cancel: cancelJob, retry: retryJob }),
  tokens: router({ create: createApiToken, list: listApiTokens, revoke: revokeApiToken }),
  users: router({ list: listUsers, create: createUser }),
  audit: router({ list: listAudit }),
  live: router({ onChange }),
});

export type AppRouter = typeof appRouter;
