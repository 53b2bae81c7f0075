// Hostile input on the API: every tRPC procedure the coordinator serves, called as an admin with
// fuzzed inputs (wrong types, missing and extra fields, huge strings, injection attempts, broken
// JSON) over plain HTTP. Each call is answered with a client error carrying a stable code (or, for
// a URL too long for the HTTP server, its 431) — never a 500, never a crash — and the coordinator
// still answers afterwards.
import { appRouter } from "@tideline/api";
import {
  type CoordinatorProc,
  spawnCoordinator,
  startInventory,
  type TestInventory,
} from "@tideline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CALLS_PER_PROCEDURE = Number(process.env.FUZZ_API_CALLS ?? 12);

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fuzzValue(r: () => number, depth = 0): unknown {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * 10)) {
    case 0:
      return pick([null, true, false, 0, -1, 1e308, Number.MAX_SAFE_INTEGER, 0.5]);
    case 1:
      return pick([
        "",
        "x",
        "'; DROP TABLE clusters; --",
        "../../etc/passwd",
        "a;b",
        "0/0",
        "FFFFFFFF/FFFFFFFF",
        "2026-13-45 99:99:99",
        "\u0000",
        "💥",
      ]);
    case 2:
      return "y".repeat(pick([64, 1000, 100_000]));
    case 3:
      return depth < 3 ? Array.from({ length: Math.floor(r() * 4) }, () => fuzzValue(r, depth + 1)) : [];
    case 4:
      return { __proto__: { admin: true }, constructor: "x" };
    default: {
      if (depth >= 3) return {};
      const keys = [
        "cluster",
        "id",
        "target",
        "kind",
        "time",
        "lsn",
        "xid",
        "name",
        "agent",
        "payload",
        "ttl",
        "tables",
        "user",
        "role",
        "limit",
        "from",
        "to",
        "pool",
        "email",
        "password",
        "url",
      ];
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(keys)] = fuzzValue(r, depth + 1);
      return o;
    }
  }
}

/** Every procedure of the router as "a.b" and whether it is a query or a mutation. */
function procedures(): Array<{ path: string; type: "query" | "mutation" | "subscription" }> {
  const defs = (
    appRouter as unknown as {
      _def: { procedures: Record<string, { _def: { type: "query" | "mutation" | "subscription" } }> };
    }
  )._def.procedures;
  return Object.entries(defs).map(([path, p]) => ({ path, type: p._def.type }));
}

describe("hostile input on the API", () => {
  let inv: TestInventory;
  let coord: CoordinatorProc;

  beforeAll(async () => {
    inv = await startInventory();
    coord = await spawnCoordinator({ databaseUrl: inv.databaseUrl });
  });
  afterAll(async () => {
    await coord?.kill("SIGKILL");
    await inv?.destroy();
  });

  it("answers fuzzed inputs to every procedure with a client error and a code, and stays up", async () => {
    const r = rng(20261202);
    const all = procedures().filter((p) => p.type !== "subscription");
    expect(all.length).toBeGreaterThan(40);
    const seen: Record<string, number> = {};
    const failures: string[] = [];
    for (const proc of all) {
      for (let i = 0; i < CALLS_PER_PROCEDURE; i++) {
        // some bodies are not JSON at all, some are superjson envelopes around junk
        const raw = i % 6 === 5 ? "{not json" : JSON.stringify({ json: fuzzValue(r) });
        const url = `${coord.url}/trpc/${proc.path}`;
        const res =
          proc.type === "query"
            ? await fetch(`${url}?input=${encodeURIComponent(raw)}`, {
                headers: { authorization: `Bearer ${inv.adminToken}` },
              })
            : await fetch(url, {
                method: "POST",
                headers: { authorization: `Bearer ${inv.adminToken}`, "content-type": "application/json" },
                body: raw,
              });
        const body = (await res.json().catch(() => null)) as {
          error?: { json?: { data?: { appCode?: string; httpStatus?: number } } };
        } | null;
        // a URL too long for the HTTP server is refused before tRPC sees it (431), which is an answer too
        const code =
          body?.error?.json?.data?.appCode ??
          (res.ok ? "OK" : res.status >= 400 && res.status < 500 ? `HTTP_${res.status}` : null);
        seen[code ?? "NONE"] = (seen[code ?? "NONE"] ?? 0) + 1;
        if (res.status >= 500 || !code)
          failures.push(
            `${proc.path} ${raw.slice(0, 120)} → ${res.status} ${JSON.stringify(body).slice(0, 300)}`,
          );
      }
    }
    console.log(`api fuzz: ${all.length} procedures × ${CALLS_PER_PROCEDURE} calls: ${JSON.stringify(seen)}`);
    expect(failures).toEqual([]);
    const health = await fetch(`${coord.url}/healthz`);
    expect(health.status).toBeLessThan(600);
    expect((await inv.client(coord.url).agents.list.query()).length).toBeGreaterThanOrEqual(0);
  });
});
