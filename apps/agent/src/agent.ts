// The agent daemon: one socket to a coordinator, kept open with reconnects (exponential backoff
// with full jitter), enrollment on first start, heartbeats, and the jobs it is given. Results
// that cannot be sent while the socket is down wait in an outbox and go out after the next HELLO.
import { chmod, mkdir, statfs } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AgentToCoordinator, CoordinatorToAgent, decode, encode, isJobKind, parseJobPayload, type TCoordinatorMessage, type TJobKind, type TJobPayload, type TJobResult, type TPoolInfo } from "@tideline/protocol";
import WebSocket from "ws";
import { detectCapabilities } from "./discovery/capabilities";
import { discoverClusters } from "./discovery/clusters";
import { type AgentServices, type JobContext, JobError, type JobHandler } from "./jobs/job-context";
import { jobHandlers } from "./jobs/registry";
import { cleanUpUnfinishedClones, resumeReadyClones, stopReadyClones } from "./clones/restore-to-clone";
import { ProtectionManager } from "./protection/manager";
import { BtrfsDriver, DirectoryDriver, type StorageDriver, ZfsDriver } from "./storage";
import { loadState, saveState, type AgentState } from "./state";

export const AGENT_VERSION = "0.1.0";
/** The name of the directory pool every storage agent offers in its data folder. */
export const DIRECTORY_POOL = "dir";

export interface AgentOptions {
  coordinatorUrl?: string;
  dataDir: string;
  enrollToken?: string;
  /** A CA file (PEM) to verify a wss:// coordinator with; kept in the agent's state. */
  caFile?: string;
  name?: string;
  roles?: Array<"database" | "storage">;
  /** Data directories to report besides those found running or in the usual places. */
  pgdataPaths?: string[];
  /** Data directories never to report (e.g. Tideline's own inventory). */
  excludePaths?: string[];
  pools?: () => Promise<TPoolInfo[]>;
  log?: (level: string, msg: string, fields?: Record<string, unknown>) => void;
}

interface RunningJob {
  attempt: number;
  abort: AbortController;
}

type AgentFrame = { [K in keyof typeof AgentToCoordinator]: { type: K; payload: unknown } }[keyof typeof AgentToCoordinator];

export class Agent {
  private ws: WebSocket | null = null;
  private state: AgentState | null = null;
  private readonly running = new Map<string, RunningJob>();
  private readonly outbox: string[] = [];
  private authenticated = false;
  private stopped = false;
  private failures = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Mounted btrfs filesystems by pool name, as last listed (the storage factory cannot wait for findmnt). */
  private readonly btrfsMounts = new Map<string, string>();
  private readonly log: NonNullable<AgentOptions["log"]>;
  readonly services: AgentServices;

  constructor(private readonly opts: AgentOptions) {
    this.log =
      opts.log ??
      ((level, msg, fields) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), level, msg, agent: this.state?.name, ...fields })}\n`));
    const drivers = new Map<string, StorageDriver>();
    const storage: AgentServices["storage"] = (pool) => {
      const mountpoint = pool.driver === "btrfs" ? this.btrfsMounts.get(pool.name) : undefined;
      if (pool.driver === "btrfs" && !mountpoint) {
        throw new JobError("POOL_NOT_FOUND", `no btrfs filesystem for pool ${pool.name} is mounted on this host`);
      }
      // A btrfs pool mounted somewhere else since is another driver.
      const key = `${pool.driver}:${pool.name}:${mountpoint ?? ""}`;
      let d = drivers.get(key);
      if (!d) {
        if (pool.driver === "zfs") d = new ZfsDriver(pool.name);
        else if (pool.driver === "btrfs") d = new BtrfsDriver(mountpoint!, pool.name);
        else if (pool.name === DIRECTORY_POOL) d = new DirectoryDriver(path.join(opts.dataDir, "storage"), DIRECTORY_POOL);
        else throw new JobError("POOL_NOT_FOUND", `this agent has no directory pool named ${pool.name}`);
        drivers.set(key, d);
      }
      return d;
    };
    const protection = new ProtectionManager(
      opts.dataDir,
      (c) => storage(c.pool),
      (status) => this.send({ type: "CLUSTER_STATUS", payload: status }),
      (level, msg, fields) => this.log(level, msg, fields),
    );
    this.services = { dataDir: opts.dataDir, name: opts.name ?? os.hostname(), storage, protection };
  }

  /**
   * Storage pools this agent offers: its ZFS pools, every mounted btrfs filesystem, and a directory
   * pool in its data folder.
   */
  async listPools(): Promise<TPoolInfo[]> {
    if (!this.roles().includes("storage")) return [];
    const pools: TPoolInfo[] = [];
    if (await ZfsDriver.detect().catch(() => false)) {
      for (const p of await ZfsDriver.listPools()) pools.push({ name: p.name, driver: "zfs", mountpoint: p.mountpoint, sizeBytes: p.sizeBytes, freeBytes: p.freeBytes, health: p.health });
    }
    for (const m of await this.refreshBtrfsMounts()) {
      // A pool name is unique per agent: a label that clashes with a ZFS pool or the directory pool loses.
      if (m.name === DIRECTORY_POOL || pools.some((p) => p.name === m.name)) continue;
      pools.push({ name: m.name, driver: "btrfs", mountpoint: m.mountpoint, sizeBytes: m.sizeBytes, freeBytes: m.freeBytes, health: m.health });
    }
    // the ratio compression achieved on what Tideline stored, so `storage list` shows that a setting reached the data
    await Promise.all(
      pools.map(async (p) => {
        const d = this.services.storage({ name: p.name, driver: p.driver });
        const root = `${p.name}/tideline`;
        if (!(await d.datasetExists(root).catch(() => false))) return;
        const ratio = (await d.spaceUsed(root).catch(() => null))?.compressRatio;
        if (ratio) p.compressRatio = ratio;
      }),
    );
    const dir = path.join(this.opts.dataDir, "storage");
    await mkdir(dir, { recursive: true });
    const fs = await statfs(dir);
    pools.push({ name: DIRECTORY_POOL, driver: "directory", mountpoint: dir, sizeBytes: fs.blocks * fs.bsize, freeBytes: fs.bavail * fs.bsize, health: "ONLINE" });
    return pools;
  }

  private async refreshBtrfsMounts() {
    const mounted = await BtrfsDriver.listMounted();
    this.btrfsMounts.clear();
    for (const m of mounted) this.btrfsMounts.set(m.name, m.mountpoint);
    return mounted;
  }

  private roles(): Array<"database" | "storage"> {
    return this.opts.roles ?? ["database", "storage"];
  }

  async start(): Promise<void> {
    this.state = await loadState(this.opts.dataDir);
    if (!this.state && !this.opts.enrollToken) {
      throw Object.assign(new Error("NOT_ENROLLED: this agent has no secret yet; start it once with --enroll-token (see `tideline enroll-token create`)"), { code: "NOT_ENROLLED" });
    }
    if (!this.state && !this.opts.coordinatorUrl) throw new Error("NO_COORDINATOR: pass --coordinator ws://HOST:PORT/agent");
    await chmod(this.opts.dataDir, 0o755).catch(() => {}); // the service user runs our restore_command helper from here
    if (this.roles().includes("storage")) await this.refreshBtrfsMounts(); // protected clusters on btrfs resume next
    await this.services.protection.resumeAll();
    await cleanUpUnfinishedClones({ agent: this.services }, (m) => this.log("warn", m));
    await resumeReadyClones({ agent: this.services }, (m) => this.log("warn", m));
    this.services.protection.startStatusLoop(Number(process.env.TIDELINE_STATUS_MS ?? 5000));
    this.connect();
  }

  get agentId(): string | null {
    return this.state?.agentId ?? null;
  }

  private url(): string {
    return this.opts.coordinatorUrl ?? this.state!.coordinatorUrl;
  }

  /** The CA given now (--ca), else the one kept at enrollment. */
  private caPem(): string | undefined {
    if (this.opts.caFile) return readFileSync(this.opts.caFile, "utf8");
    return this.state?.caPem;
  }

  private connect(): void {
    if (this.stopped) return;
    const url = this.url();
    const plain = assertSecureUrl(url);
    if (plain) {
      this.fatal = "PLAINTEXT_REFUSED";
      this.log("error", plain);
      this.onFatal?.("PLAINTEXT_REFUSED");
      return;
    }
    const ca = this.caPem();
    const ws = new WebSocket(url, { maxPayload: 1024 * 1024, handshakeTimeout: 10_000, ...(ca ? { ca } : {}) });
    this.ws = ws;
    ws.on("open", () => void this.onOpen(ws));
    ws.on("message", (raw) => void this.onMessage(raw.toString()));
    ws.on("close", (code, reason) => this.onClose(code, reason.toString()));
    ws.on("error", (err: Error & { code?: string }) => {
      // an untrusted certificate does not fix itself: say which CA to give
      const untrusted = /SELF_SIGNED|UNABLE_TO_VERIFY|CERT_|unable to verify|self.signed/i.test(`${err.code ?? ""} ${err.message}`);
      if (untrusted) this.log("error", "TLS_UNTRUSTED: the coordinator's certificate is not trusted; pass --ca with the CA file its enrollment command names", { error: err.message, code: err.code });
      else this.log("warn", "socket error", { error: err.message });
    });
  }

  private send(frame: AgentFrame, replyTo?: string): void {
    const text = encode(AgentToCoordinator, frame.type, frame.payload as never, replyTo);
    if (this.ws?.readyState === WebSocket.OPEN && (this.authenticated || frame.type === "HELLO" || frame.type === "ENROLL")) this.ws.send(text);
    else if (frame.type === "JOB_RESULT" || frame.type === "JOB_LOG") this.outbox.push(text);
  }

  private async onOpen(ws: WebSocket): Promise<void> {
    if (!this.state) {
      this.send({ type: "ENROLL", payload: { token: this.opts.enrollToken!, hostname: os.hostname(), name: this.opts.name } });
      return;
    }
    await this.hello(ws);
  }

  private async inventory() {
    const pools = (await (this.opts.pools ? this.opts.pools() : this.listPools()).catch((err: Error) => {
      this.log("warn", "could not list storage pools", { error: err.message });
      return [];
    })) ?? [];
    const clusters = await discoverClusters(this.opts.pgdataPaths, this.opts.excludePaths);
    return { pools, clusters };
  }

  private async hello(ws: WebSocket): Promise<void> {
    const { pools, clusters } = await this.inventory();
    if (ws !== this.ws) return;
    const roles = this.roles();
    this.send({
      type: "HELLO",
      payload: {
        agentId: this.state!.agentId,
        secret: this.state!.secret,
        hostname: os.hostname(),
        version: AGENT_VERSION,
        roles,
        capabilities: detectCapabilities(pools),
        clusters,
        runningJobs: [...this.running.keys()],
      },
    });
  }

  private async onMessage(raw: string): Promise<void> {
    const decoded = decode(CoordinatorToAgent, raw);
    if (!decoded.ok) {
      this.log("warn", "bad frame from coordinator", { code: decoded.code, message: decoded.message });
      this.send({ type: "ERROR", payload: { code: decoded.code, message: decoded.message } }, decoded.id);
      return;
    }
    const msg: TCoordinatorMessage = decoded.message;
    switch (msg.type) {
      case "ENROLLED":
        this.state = { coordinatorUrl: this.url(), agentId: msg.payload.agentId, name: msg.payload.name, secret: msg.payload.secret, ...(this.caPem() ? { caPem: this.caPem() } : {}) };
        await saveState(this.opts.dataDir, this.state);
        this.log("info", "enrolled", { agentId: msg.payload.agentId, name: msg.payload.name });
        if (this.ws) await this.hello(this.ws);
        return;
      case "WELCOME":
        this.authenticated = true;
        this.failures = 0;
        this.log("info", "connected", { coordinator: msg.payload.coordinatorId, agentId: msg.payload.agentId });
        this.startHeartbeat(msg.payload.heartbeatIntervalMs);
        while (this.outbox.length && this.ws?.readyState === WebSocket.OPEN) this.ws.send(this.outbox.shift()!);
        return;
      case "ERROR":
        this.log("error", "coordinator refused", { code: msg.payload.code, message: msg.payload.message });
        if (msg.payload.code === "AUTH_FAILED" || msg.payload.code === "ENROLLMENT_TOKEN_INVALID") this.fatal = msg.payload.code;
        return;
      case "JOB_DISPATCH":
        return this.runJob(msg.payload);
      case "JOB_CANCEL": {
        const job = this.running.get(msg.payload.jobId);
        if (job) {
          this.log("info", "cancelling job", { jobId: msg.payload.jobId, reason: msg.payload.reason });
          job.abort.abort(new JobError("CANCELLED", msg.payload.reason));
        }
        return;
      }
    }
  }

  /** Set when the coordinator refused our identity: retrying cannot help. */
  fatal: string | null = null;

  private inventoryTimer: NodeJS.Timeout | null = null;

  private startHeartbeat(ms: number): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    // pools fill up and clusters come and go: refresh what the coordinator knows
    if (!this.inventoryTimer) {
      this.inventoryTimer = setInterval(() => {
        if (this.authenticated) void this.reportInventory().catch((err: Error) => this.log("warn", "inventory report failed", { error: err.message }));
      }, Number(process.env.TIDELINE_INVENTORY_MS ?? 30_000));
    }
    this.heartbeat = setInterval(() => {
      this.send({ type: "HEARTBEAT", payload: { runningJobs: [...this.running.keys()], at: new Date().toISOString() } });
    }, ms);
  }

  private onClose(code: number, reason: string): void {
    this.authenticated = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.stopped) return;
    if (this.fatal) {
      this.log("error", "not reconnecting: the coordinator refused this agent", { code: this.fatal });
      this.onFatal?.(this.fatal);
      return;
    }
    this.failures++;
    // full jitter: spread a fleet's reconnects after a coordinator restart
    const cap = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 10));
    const delay = Math.round(Math.random() * cap) + 100;
    this.log("info", "disconnected; reconnecting", { code, reason, inMs: delay });
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  onFatal?: (code: string) => void;

  private async runJob(d: Extract<TCoordinatorMessage, { type: "JOB_DISPATCH" }>["payload"]): Promise<void> {
    const existing = this.running.get(d.jobId);
    if (existing) {
      existing.attempt = d.attempt;
      this.send({ type: "JOB_ACCEPTED", payload: { jobId: d.jobId, attempt: d.attempt } });
      return;
    }
    // the agent's boundary for jobs: the kind must be one it knows, the payload must match it
    if (!isJobKind(d.kind)) {
      this.send({ type: "JOB_REJECTED", payload: { jobId: d.jobId, attempt: d.attempt, error: { code: "UNKNOWN_JOB_KIND", message: `this agent (version ${AGENT_VERSION}) cannot run ${d.kind} jobs` } } });
      return;
    }
    const payload = parseJobPayload(d.kind, d.payload);
    if (!payload.success) {
      this.send({ type: "JOB_REJECTED", payload: { jobId: d.jobId, attempt: d.attempt, error: { code: "BAD_JOB_PAYLOAD", message: `${d.kind}: ${payload.error}`.slice(0, 3900) } } });
      return;
    }
    const job: RunningJob = { attempt: d.attempt, abort: new AbortController() };
    this.running.set(d.jobId, job);
    this.send({ type: "JOB_ACCEPTED", payload: { jobId: d.jobId, attempt: d.attempt } });
    this.log("info", "job started", { jobId: d.jobId, kind: d.kind, attempt: d.attempt });
    let lastProgress = 0;
    const ctx: JobContext = {
      jobId: d.jobId,
      attempt: d.attempt,
      idempotencyKey: d.idempotencyKey,
      signal: job.abort.signal,
      agent: this.services,
      progress: (progress, o = {}) => {
        const now = Date.now();
        // at most a few progress frames a second: the console shows them live, the log keeps messages
        if (progress < 1 && !o.message && now - lastProgress < 250) return;
        lastProgress = now;
        this.send({ type: "JOB_PROGRESS", payload: { jobId: d.jobId, progress: Math.max(0, Math.min(1, progress)), ...o } });
      },
      log: (level, message, data) => this.send({ type: "JOB_LOG", payload: { jobId: d.jobId, level, message: message.slice(0, 8000), data } }),
    };
    try {
      const result = await runHandler(d.kind, ctx, payload.data);
      this.send({ type: "JOB_RESULT", payload: { jobId: d.jobId, attempt: job.attempt, ok: true, result: result ?? null } });
      this.log("info", "job succeeded", { jobId: d.jobId });
    } catch (err) {
      const e = job.abort.signal.aborted ? new JobError("CANCELLED", "cancelled") : (err as Error & { code?: string; details?: unknown });
      const code = e instanceof JobError ? e.code : typeof e.code === "string" ? e.code : "JOB_FAILED";
      this.send({ type: "JOB_RESULT", payload: { jobId: d.jobId, attempt: job.attempt, ok: false, error: { code, message: e.message.slice(0, 3900), details: (e as JobError).details } } });
      this.log("warn", "job failed", { jobId: d.jobId, code, error: e.message });
    } finally {
      this.running.delete(d.jobId);
    }
  }

  /** Tell the coordinator what changed on this host (new clusters, pools). */
  async reportInventory(): Promise<void> {
    const inv = await this.inventory();
    this.send({ type: "INVENTORY", payload: inv });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.inventoryTimer) clearInterval(this.inventoryTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    for (const j of this.running.values()) j.abort.abort();
    await this.services.protection.stop();
    await stopReadyClones({ agent: this.services }).catch(() => {});
    this.ws?.close(1000, "agent stopping");
  }
}

/** A kind's handler with that kind's payload (TypeScript cannot correlate the two through a generic lookup on its own). */
function runHandler<K extends TJobKind>(kind: K, ctx: JobContext, payload: TJobPayload<K>): Promise<TJobResult<K>> {
  return (jobHandlers[kind] as JobHandler<K>)(ctx, payload);
}

/**
 * Plain ws:// only to loopback: a coordinator on another host is reached over wss://. Returns
 * the refusal (with code PLAINTEXT_REFUSED), or null when the URL is fine.
 */
export function assertSecureUrl(url: string): string | null {
  const u = new URL(url);
  if (u.protocol === "wss:" || process.env.TIDELINE_ALLOW_PLAINTEXT === "1") return null;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1" || /^127\./.test(host)) return null;
  return `PLAINTEXT_REFUSED: ${url} is not on this host; connect with wss:// (and --ca), or set TIDELINE_ALLOW_PLAINTEXT=1 on a network you trust`;
}
