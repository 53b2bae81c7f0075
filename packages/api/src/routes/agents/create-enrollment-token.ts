import { z } from "zod";
import { audit } from "../../audit/audit";
import { hashToken, newToken } from "../../auth/secrets";
import { adminProcedure } from "../../trpc";

export const ZCreateEnrollmentTokenInput = z.object({ ttlMinutes: z.number().int().min(1).max(7 * 24 * 60).optional() }).default({});
export const ZCreateEnrollmentTokenOutput = z.object({ token: z.string(), expiresAt: z.date(), installCommand: z.string() });

export const createEnrollmentTokenRoute = adminProcedure
  .input(ZCreateEnrollmentTokenInput)
  .output(ZCreateEnrollmentTokenOutput)
  .mutation(async ({ ctx, input }) => {
    const token = newToken("tle");
    const ttl = (input.ttlMinutes ?? ctx.c.config.enrollTokenTtlMs / 60_000) * 60_000;
    const expiresAt = new Date(Date.now() + ttl);
    const row = await ctx.c.db.enrollmentToken.create({ data: { tokenHash: hashToken(token), expiresAt, createdById: ctx.caller.id } });
    await audit(ctx.c, ctx.caller, "enroll-token.create", { target: row.id });
    const url = ctx.c.publicWsUrl ?? "ws://COORDINATOR:PORT/agent";
    // over TLS the agent verifies the coordinator against this CA (copy the file to the new host)
    const ca = ctx.c.publicCaFile ? ` --ca ${ctx.c.publicCaFile}` : "";
    return { token, expiresAt, installCommand: `pnpm tideline agent run --coordinator ${url}${ca} --enroll-token ${token} --data-dir /var/lib/tideline-agent` };
  });
