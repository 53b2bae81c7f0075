// The console's typed tRPC hooks. Only the router's *type* comes from the coordinator: no
// coordinator code reaches the bundle, and the browser talks to /api/trpc on this origin.
import type { AppRouter } from "@tideline/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type TAgent = RouterOutputs["agents"]["list"][number];
export type TCluster = RouterOutputs["clusters"]["list"][number];
export type TJob = RouterOutputs["jobs"]["list"][number];
export type TJobDetail = RouterOutputs["jobs"]["get"];
export type TJobState = TJob["state"];
export type TRole = RouterOutputs["auth"]["me"]["role"];
export type TClusterDetail = RouterOutputs["clusters"]["get"];
export type TWindow = RouterOutputs["clusters"]["window"];
export type TRestorePoint = RouterOutputs["restorePoints"]["list"][number];
export type TStoragePool = RouterOutputs["storage"]["list"][number];
export type TRetentionPreview = RouterOutputs["retention"]["preview"];
export type TRetentionPolicy = RouterInputs["clusters"]["update"]["retention"] & {};
export type TRestoreTarget = RouterInputs["restore"]["plan"]["target"];
export type TRestorePlan = RouterOutputs["restore"]["plan"];
export type TClone = RouterOutputs["clones"]["list"][number];
export type TUser = RouterOutputs["users"]["list"][number];
export type TApiToken = RouterOutputs["tokens"]["list"][number];
export type TAuditEntry = RouterOutputs["audit"]["list"][number];
export type TRestorePointName = RouterOutputs["restorePoints"]["names"][number];
export type TWebhook = RouterOutputs["webhooks"]["list"][number];
export type TWebhookDelivery = RouterOutputs["webhooks"]["deliveries"][number];
export type TWebhookEvent = NonNullable<RouterInputs["webhooks"]["create"]["events"]>[number];
