import { randomBytes } from "node:crypto";
import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { deliver, WEBHOOK_EVENTS } from "../../notifications/notify";
import { adminProcedure } from "../../trpc";

const ZWebhookOutput = z.object({ id: z.string(), name: z.string(), url: z.string(), events: z.array(z.string()), enabled: z.boolean(), createdAt: z.date(), lastDelivery: z.object({ ok: z.boolean(), status: z.number().nullable(), at: z.date() }).nullable() });

export const listWebhooksRoute = adminProcedure.output(z.array(ZWebhookOutput)).query(async ({ ctx }) => {
  const hooks = await ctx.c.db.webhook.findMany({ orderBy: { createdAt: "asc" }, include: { deliveries: { orderBy: { id: "desc" }, take: 1 } } });
  return hooks.map((h) => ({ id: h.id, name: h.name, url: h.url, events: h.events, enabled: h.enabled, createdAt: h.createdAt, lastDelivery: h.deliveries[0] ? { ok: h.deliveries[0].ok, status: h.deliveries[0].status, at: h.deliveries[0].at } : null }));
});

/** The signing secret is shown once, at creation. */
export const createWebhookRoute = adminProcedure
  .input(z.object({ name: z.string().min(1).max(100), url: z.string().url().refine((u) => /^https?:\/\//.test(u), "http(s) URLs only"), events: z.array(z.enum(WEBHOOK_EVENTS)).default([]) }))
  .output(z.object({ id: z.string(), secret: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const secret = randomBytes(24).toString("base64url");
    const h = await ctx.c.db.webhook.create({ data: { name: input.name, url: input.url, events: input.events, secret } });
    await audit(ctx.c, ctx.caller, "webhook.create", { target: h.id, details: { name: input.name, url: input.url, events: input.events } });
    return { id: h.id, secret };
  });

export const deleteWebhookRoute = adminProcedure
  .input(z.object({ id: z.string() }))
  .output(z.object({ ok: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    const h = await ctx.c.db.webhook.findUnique({ where: { id: input.id } });
    if (!h) throw new AppError("WEBHOOK_NOT_FOUND", `no webhook ${input.id}`);
    await ctx.c.db.webhook.delete({ where: { id: h.id } });
    await audit(ctx.c, ctx.caller, "webhook.delete", { target: h.id, details: { name: h.name } });
    return { ok: true };
  });

export const testWebhookRoute = adminProcedure
  .input(z.object({ id: z.string() }))
  .output(z.object({ ok: z.boolean(), status: z.number().nullable(), error: z.string().nullable() }))
  .mutation(async ({ ctx, input }) => {
    const h = await ctx.c.db.webhook.findUnique({ where: { id: input.id } });
    if (!h) throw new AppError("WEBHOOK_NOT_FOUND", `no webhook ${input.id}`);
    return deliver(ctx.c, h, "test", { message: `test delivery requested by ${ctx.caller.email}` });
  });

export const listDeliveriesRoute = adminProcedure
  .input(z.object({ id: z.string(), limit: z.number().int().min(1).max(500).default(50) }))
  .output(z.array(z.object({ id: z.string(), event: z.string(), status: z.number().nullable(), ok: z.boolean(), error: z.string().nullable(), durationMs: z.number().nullable(), at: z.date() })))
  .query(async ({ ctx, input }) => {
    const rows = await ctx.c.db.webhookDelivery.findMany({ where: { webhookId: input.id }, orderBy: { id: "desc" }, take: input.limit });
    return rows.map((d) => ({ id: d.id.toString(), event: d.event, status: d.status, ok: d.ok, error: d.error, durationMs: d.durationMs, at: d.at }));
  });
