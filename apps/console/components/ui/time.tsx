"use client";
// Relative times that stay true while the page is open: one shared clock ticks every 10 s and
// re-renders only the components that show a relative time (no API calls involved).
import { useSyncExternalStore } from "react";
import { formatDateTime, formatRelative } from "@/lib/format";

const TICK_MS = 10_000;
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(cb: () => void) {
  listeners.add(cb);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(cb);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time, refreshed every 10 s. */
export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => 0,
  );
}

export function RelativeTime({
  at,
  ...rest
}: { at: Date | string | null | undefined } & React.HTMLAttributes<HTMLTimeElement>) {
  const n = useNow();
  if (!at) return <span className="text-zinc-400">never</span>;
  const d = new Date(at);
  return (
    <time dateTime={d.toISOString()} title={formatDateTime(d)} {...rest}>
      {formatRelative(d, Math.max(n, Date.now()))}
    </time>
  );
}
