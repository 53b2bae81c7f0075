import { z } from "zod";
import { audit } from "../../audit/audit";
import { AppError } from "../../errors";
import { CHANNELS } from "../../events/bus";
import { operatorProcedure } from "../../trpc";

export const cancelJobRoute = operatorProcedure
  .input(z.object({ id: z.string().min(1) }))
  .output(z.object({ state: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const queued = await ctx.c.pool.query(
      `UPDATE jobs SET state = 'cancelled', finished_at = now(), updated_at = now(), error = '{"code":"CANCELLED","message":"cancelled before it started"}'
        WHERE id = $1 AND state = 'queued' RETURNING id`,
      [input.id],
    );
    let state = "cancelled";
    if (!queued.rowCount) {
      const running = await ctx.c.pool.query<{ agent_id: string }>(
        "UPDATE jobs SET cancel_requested = true, updated_at = now() WHERE id = $1 AND state IN ('dispatched', 'running') RETURNING agent_id",
        [input.id],
      );
      if (!running.rows[0]) throw new AppError("JOB_NOT_CANCELLABLE", `job ${input.id} is not queued or running`);
      await ctx.c.bus.notify(CHANNELS.cancel, `${input.id}:${running.rows[0].agent_id}`);
      state = "cancelling";
    }
    await ctx.c.pool.query("INSERT INTO job_events (job_id, type, level, message) VALUES ($1, 'state', 'warn', $2)", [input.id, `cancel requested by ${ctx.caller.email}`]);
    await audit(ctx.c, ctx.caller, "job.cancel", { target: input.id });
    await ctx.c.bus.publish({ entity: "job", id: input.id, state });
    return { state };
  });
