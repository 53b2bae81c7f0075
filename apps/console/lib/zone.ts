"use client";
// Which zone the DBA reads times in (UTC or the browser's), remembered in this browser, shared
// by the timeline chart and the restore dialog so a time means the same thing in both.
import { useCallback, useSyncExternalStore } from "react";
import type { Zone } from "./time-input";

const KEY = "tideline.zone";
const listeners = new Set<() => void>();

function read(): Zone {
  try {
    return window.localStorage.getItem(KEY) === "utc" ? "utc" : "local";
  } catch {
    return "local";
  }
}

export function useZone(): [Zone, (z: Zone) => void] {
  const zone = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    read,
    () => "local" as Zone,
  );
  const set = useCallback((z: Zone) => {
    try {
      window.localStorage.setItem(KEY, z);
    } catch {
      // private mode: the choice lasts for this page only
    }
    for (const l of listeners) l();
  }, []);
  return [zone, set];
}
