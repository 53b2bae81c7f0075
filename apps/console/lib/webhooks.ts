// The events a notification webhook can subscribe to, as the coordinator sends them, with what
// sets each one off. "test" is not here: it is only sent by "Send test", to any webhook.
import type { TWebhookEvent } from "@/lib/trpc";

export const WEBHOOK_EVENTS: Array<{ event: Exclude<TWebhookEvent, "test">; when: string }> = [
  { event: "cluster.health", when: "a cluster's health changes (a problem starts or clears)" },
  { event: "drill.finished", when: "a restore drill passes or fails" },
  { event: "job.failed", when: "a job fails (restore, clone, restore point, retention…)" },
  { event: "clone.ready", when: "a restored clone accepts connections" },
];

/** The header every delivery carries: the HMAC-SHA256 of the raw request body, keyed with the secret. */
export const SIGNATURE_HEADER = "X-Tideline-Signature";
