// Notification webhooks: a JSON POST per event to every enabled webhook that wants it, signed
// with HMAC-SHA256 of the body (header X-Tideline-Signature), each attempt in the delivery log.
// Delivery never blocks or fails the operation that caused the event.
import { createHmac } from "node:crypto";
import type { Services } from "../context";

export const WEBHOOK_EVENTS = ["cluster.health", "drill.finished", "job.failed", "clone.ready", "test"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function notify(c: Services, event: WebhookEvent, payload: Record<string, unknown>): void {
  void deliverAll(c, event, payload).catch((err: Error) => c.log.warn("webhook delivery failed", { event, error: err.message }));
}

async function deliverAll(c: Services, event: WebhookEvent, payload: Record<string, unknown>): Promise<void> {
  const hooks = await c.db.webhook.findMany({ where: { enabled: true } });
  for (const h of hooks) {
    if (event !== "test" && h.events.length > 0 && !h.events.includes(event)) continue;
    await deliver(c, h, event, payload);
  }
}

export async function deliver(c: Services, h: { id: string; url: string; secret: string }, event: string, payload: Record<string, unknown>) {
  const body = JSON.stringify({ event, at: new Date().toISOString(), ...payload });
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tideline-event": event, "x-tideline-signature": `sha256=${createHmac("sha256", h.secret).update(body).digest("hex")}` },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    if (!res.ok) error = `HTTP ${res.status}`;
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  const ok = error === null;
  await c.db.webhookDelivery.create({ data: { webhookId: h.id, event, payload: JSON.parse(body), status, ok, error, durationMs: Math.round(performance.now() - started) } });
  return { ok, status, error };
}
