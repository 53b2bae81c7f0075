"use client";
// A value that follows another after it has stopped changing for `ms`: queries that refresh as
// the DBA types (the restore plan, the retention preview) ask once per pause, not per key.
// Values are compared by their JSON, so an object rebuilt on every render is still "the same".
import { useEffect, useState } from "react";

export function useDebounced<T>(value: T, ms: number): T {
  const key = JSON.stringify(value) ?? "";
  const [settled, setSettled] = useState<{ key: string; value: T }>({ key, value });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `value` is compared through `key`
  useEffect(() => {
    if (key === settled.key) return;
    const t = setTimeout(() => setSettled({ key, value }), ms);
    return () => clearTimeout(t);
  }, [key, ms, settled.key]);
  return settled.value;
}

/** True while `value` differs from what `useDebounced` last settled on. */
export function isSettled<T>(value: T, settled: T): boolean {
  return JSON.stringify(value) === JSON.stringify(settled);
}
