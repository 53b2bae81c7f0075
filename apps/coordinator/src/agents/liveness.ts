// Agent liveness for a whole fleet: a frame from an agent marks it alive in memory, and one batched
// UPDATE every few seconds writes the last-seen time of every agent heard from since (instead of
// an UPDATE per heartbeat). The same tick is this coordinator's own heartbeat and one sweep for all
// agents of all coordinators: an agent no coordinator has vouched for within agentStaleMs (its
// coordinator was killed, or the agent hung on an open socket) is shown disconnected.
import type { Services } from "@tideline/api";
import type { AgentRegistry } from "./registry";

export type LivenessDeps = Pick<Services, "id" | "pool" | "bus" | "log" | "config"> & {
  registry: AgentRegistry;
};

export class Liveness {
  private heard = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly c: LivenessDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.c.config.livenessFlushMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A frame from this agent arrived over its socket here: written with the next batch. */
  seen(agentId: string): void {
    this.heard.add(agentId);
  }

  /** Waits for a batch in flight, so a disconnect written after it is not overwritten by it. */
  settled(): Promise<void> {
    return this.flushing;
  }

  /** One batch: last-seen of the agents heard from, this coordinator's row, the stale sweep. */
  flush(): Promise<void> {
    const next = this.flushing.then(() => this.write());
    this.flushing = next;
    return next;
  }

  private async write(): Promise<void> {
    // only agents still connected here: one that went away is written by its socket's close
    const ids = [...this.heard].filter((id) => this.c.registry.get(id));
    this.heard.clear();
    try {
      if (ids.length) {
        await this.c.pool.query(
          "UPDATE agents SET last_seen_at = now(), connected = true, coordinator_id = $2 WHERE id = ANY($1::text[])",
          [ids, this.c.id],
        );
      }
      await this.c.pool.query("UPDATE coordinators SET last_seen_at = now() WHERE id = $1", [this.c.id]);
      const { rows } = await this.c.pool.query<{ id: string; name: string; coordinator_id: string | null }>(
        `UPDATE agents SET connected = false
          WHERE connected AND (last_seen_at IS NULL OR last_seen_at < now() - make_interval(secs => $1::double precision / 1000))
          RETURNING id, name, coordinator_id`,
        [this.c.config.agentStaleMs],
      );
      for (const a of rows) {
        this.c.log.warn("agent not heard from; shown disconnected", {
          agentId: a.id,
          name: a.name,
          coordinatorId: a.coordinator_id,
          staleMs: this.c.config.agentStaleMs,
        });
      }
      if (rows.length)
        await this.c.bus.publishMany(
          rows.map((a) => ({ entity: "agent" as const, id: a.id, state: "disconnected" })),
        );
    } catch (err) {
      for (const id of ids) this.heard.add(id); // written with the next batch
      this.c.log.warn("could not write agent liveness", { error: (err as Error).message });
    }
  }
}
