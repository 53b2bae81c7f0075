// Cross-coordinator signalling over PostgreSQL LISTEN/NOTIFY. A job created through one
// coordinator wakes the coordinator its agent is connected to; every change to a job, cluster or
// clone reaches the tRPC subscriptions of every coordinator. NOTIFY is only a wake-up: the state
// itself is always read from the tables, and a periodic sweep covers a missed notification.
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../log";

export const CHANNELS = {
  jobs: "tideline_jobs",
  cancel: "tideline_cancel",
  events: "tideline_events",
} as const;

export interface ChangeEvent {
  entity: "job" | "cluster" | "agent" | "clone" | "restore-point";
  id: string;
  clusterId?: string | null;
  state?: string;
}

export class EventBus extends EventEmitter {
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {
    super();
    this.setMaxListeners(10_000);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("notification", (n) => {
      if (n.channel === CHANNELS.events) {
        try {
          this.emit("change", JSON.parse(n.payload ?? "{}") as ChangeEvent);
        } catch {
          this.log.warn("ignored a malformed change notification");
        }
      } else this.emit(n.channel, n.payload ?? "");
    });
    client.on("error", (err) => {
      this.log.warn("LISTEN connection lost; reconnecting", { error: err.message });
      this.reconnect();
    });
    await client.connect();
    for (const ch of Object.values(CHANNELS)) await client.query(`LISTEN ${ch}`);
    this.client = client;
  }

  private reconnect(): void {
    if (this.closed || this.retry) return;
    this.client?.end().catch(() => {});
    this.client = null;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start()
        .then(() => this.emit("reconnected"))
        .catch(() => this.reconnect());
    }, 1000);
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }

  async publish(event: ChangeEvent): Promise<void> {
    await this.notify(CHANNELS.events, JSON.stringify(event)).catch((err: Error) =>
      this.log.warn("could not publish a change", { error: err.message }),
    );
  }

  /** Several notifications, on any channels, in one round trip. */
  async notifyAll(notes: Array<[channel: string, payload: string]>): Promise<void> {
    if (notes.length === 0) return;
    await this.pool.query(
      "SELECT pg_notify(n.channel, n.payload) FROM unnest($1::text[], $2::text[]) AS n(channel, payload)",
      [notes.map((n) => n[0]), notes.map((n) => n[1])],
    );
  }

  /** Several changes in one round trip (a burst of dispatches, a sweep). */
  async publishMany(events: ChangeEvent[]): Promise<void> {
    await this.notifyAll(events.map((e) => [CHANNELS.events, JSON.stringify(e)])).catch((err: Error) =>
      this.log.warn("could not publish changes", { error: err.message, count: events.length }),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }
}
