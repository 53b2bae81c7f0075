"use client";
// One subscription per browser tab to the coordinator's `live.onChange`: every change event
// invalidates the queries that show that entity, so open pages refetch exactly what changed
// (coalesced to at most one refetch per query every 250 ms). When the stream (re)connects,
// everything is refetched once, covering events missed while it was down.
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { createContext, useContext, useEffect, useRef } from "react";
import { useTRPC } from "@/lib/trpc";

const COALESCE_MS = 250;

/**
 * Which API routers' queries show an entity. Keyed by router name rather than by procedure,
 * so pages added later (clones, restore points, the recoverable window) are covered by
 * adding their router here.
 */
const ROUTERS_BY_ENTITY: Record<string, string[]> = {
  job: ["jobs"],
  agent: ["agents", "storage"],
  // clusters.get/list/window: status reports move the window's end and the health every few seconds
  cluster: ["clusters", "restorePoints"],
  // what a retention policy keeps changes only when restore points come and go
  "restore-point": ["restorePoints", "clusters", "retention"],
  clone: ["clones", "clusters", "restorePoints"],
};
type LiveStatus = "connecting" | "live" | "error";
const LiveStatusContext = createContext<LiveStatus>("connecting");

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

export function LiveUpdates({ children }: { children: React.ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, { entity: string; id: string; clusterId?: string | null }>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const flush = () => {
    timer.current = null;
    const events = [...pending.current.values()];
    pending.current.clear();
    const routers = new Set(events.flatMap((e) => ROUTERS_BY_ENTITY[e.entity] ?? []));
    // a job's own page refetches only for its own events; every other view by router
    const jobIds = new Set(events.filter((e) => e.entity === "job").map((e) => e.id));
    void queryClient.invalidateQueries({
      predicate: (q) => {
        const [path, params] = q.queryKey as [string[] | undefined, { input?: { id?: string } } | undefined];
        if (!Array.isArray(path) || !routers.has(path[0] ?? "")) return false;
        if (path[0] === "jobs" && path[1] === "get") return jobIds.has(params?.input?.id ?? "");
        return true;
      },
    });
  };

  const sub = useSubscription(
    trpc.live.onChange.subscriptionOptions(
      {},
      {
        onStarted: () => void queryClient.invalidateQueries(),
        onData: (event) => {
          pending.current.set(`${event.entity}:${event.id}`, event);
          if (!timer.current) timer.current = setTimeout(flush, COALESCE_MS);
        },
      },
    ),
  );
  const status: LiveStatus =
    sub.status === "pending" ? "live" : sub.status === "error" ? "error" : "connecting";
  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}

export function LiveIndicator() {
  const status = useLiveStatus();
  const text = status === "live" ? "Live" : status === "error" ? "Live updates off" : "Connecting…";
  const dot =
    status === "live" ? "bg-emerald-500" : status === "error" ? "bg-red-500" : "bg-amber-500 animate-pulse";
  return (
    <span
      data-testid="live-status"
      data-status={status}
      className="inline-flex items-center gap-1.5 text-[11px] text-zinc-500 dark:text-zinc-400"
    >
      <span aria-hidden className={`size-1.5 rounded-full ${dot}`} />
      {text}
    </span>
  );
}
