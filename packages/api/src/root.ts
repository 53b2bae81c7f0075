// The coordinator's whole tRPC API, one procedure per file (each named …Route). The console and the CLI import only
// the `AppRouter` type from here.
import { listAgentsRoute } from "./routes/agents/list-agents";
import { createEnrollmentTokenRoute } from "./routes/agents/create-enrollment-token";
import { listAuditRoute } from "./routes/audit/list-audit";
import { getMeRoute } from "./routes/auth/get-me";
import { signInRoute } from "./routes/auth/sign-in";
import { signOutRoute } from "./routes/auth/sign-out";
import { inspectClusterRoute } from "./routes/clusters/inspect-cluster";
import { listClustersRoute } from "./routes/clusters/list-clusters";
import { cancelJobRoute } from "./routes/jobs/cancel-job";
import { createJobRoute } from "./routes/jobs/create-job";
import { getJobRoute } from "./routes/jobs/get-job";
import { listJobsRoute } from "./routes/jobs/list-jobs";
import { onChangeRoute } from "./routes/jobs/on-job-change";
import { retryJobRoute } from "./routes/jobs/retry-job";
import { createApiTokenRoute } from "./routes/tokens/create-api-token";
import { listApiTokensRoute } from "./routes/tokens/list-api-tokens";
import { revokeApiTokenRoute } from "./routes/tokens/revoke-api-token";
import { router } from "./trpc";
import { addClusterRoute } from "./routes/clusters/add-cluster";
import { getClusterRoute } from "./routes/clusters/get-cluster";
import { removeClusterRoute } from "./routes/clusters/remove-cluster";
import { updateClusterRoute } from "./routes/clusters/update-cluster";
import { createRestorePointRoute } from "./routes/restore-points/create-restore-point";
import { listRestorePointNamesRoute } from "./routes/restore-points/list-restore-point-names";
import { listRestorePointsRoute } from "./routes/restore-points/list-restore-points";
import { applyRetentionRoute, previewRetentionRoute } from "./routes/retention/preview-retention";
import { configureStorageRoute } from "./routes/storage/configure-storage";
import { listStorageRoute } from "./routes/storage/list-storage";
import { getWindowRoute } from "./routes/window/get-window";
import { searchWalEventsRoute } from "./routes/wal/search-wal-events";
import { getCloneRoute, listClonesRoute } from "./routes/clones/list-clones";
import { copyCloneRoute, destroyCloneRoute, extendCloneRoute, protectCloneRoute, resetCloneRoute } from "./routes/clones/manage-clone";
import { configureDrillRoute, listDrillsRoute, runDrillRoute } from "./routes/drills/drills";
import { createDrRestoreRoute } from "./routes/restore/create-dr-restore";
import { createRestoreRoute } from "./routes/restore/create-restore";
import { planRestoreRoute } from "./routes/restore/plan-restore";
import { restoreTableRoute } from "./routes/restore/restore-table";
import { createWebhookRoute, deleteWebhookRoute, listDeliveriesRoute, listWebhooksRoute, testWebhookRoute } from "./routes/webhooks/webhooks";
import { createUserRoute } from "./routes/users/create-user";
import { listUsersRoute } from "./routes/users/list-users";

export const appRouter = router({
  auth: router({ signIn: signInRoute, signOut: signOutRoute, me: getMeRoute }),
  agents: router({ list: listAgentsRoute, createEnrollmentToken: createEnrollmentTokenRoute }),
  clusters: router({ list: listClustersRoute, get: getClusterRoute, add: addClusterRoute, update: updateClusterRoute, remove: removeClusterRoute, inspect: inspectClusterRoute, window: getWindowRoute }),
  restorePoints: router({ list: listRestorePointsRoute, names: listRestorePointNamesRoute, create: createRestorePointRoute }),
  retention: router({ preview: previewRetentionRoute, run: applyRetentionRoute }),
  storage: router({ list: listStorageRoute, configure: configureStorageRoute }),
  restore: router({ plan: planRestoreRoute, create: createRestoreRoute, disasterRecovery: createDrRestoreRoute, table: restoreTableRoute }),
  clones: router({ list: listClonesRoute, get: getCloneRoute, destroy: destroyCloneRoute, extend: extendCloneRoute, protect: protectCloneRoute, reset: resetCloneRoute, copy: copyCloneRoute }),
  drills: router({ run: runDrillRoute, configure: configureDrillRoute, list: listDrillsRoute }),
  webhooks: router({ list: listWebhooksRoute, create: createWebhookRoute, remove: deleteWebhookRoute, test: testWebhookRoute, deliveries: listDeliveriesRoute }),
  jobs: router({ list: listJobsRoute, get: getJobRoute, create: createJobRoute, cancel: cancelJobRoute, retry: retryJobRoute }),
  tokens: router({ create: createApiTokenRoute, list: listApiTokensRoute, revoke: revokeApiTokenRoute }),
  users: router({ list: listUsersRoute, create: createUserRoute }),
  audit: router({ list: listAuditRoute }),
  live: router({ onChange: onChangeRoute }),
  wal: router({ events: searchWalEventsRoute }),
});

export type AppRouter = typeof appRouter;
