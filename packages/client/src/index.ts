// A typed client of the coordinator's tRPC API, for the CLI, tests and benchmarks.
import type { AppRouter } from "@tideline/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { Agent, fetch as undiciFetch } from "undici";

export type ApiClient = ReturnType<typeof createApiClient>;

export interface ClientOptions {
  /** A CA (PEM text) to verify an https:// coordinator with, besides the system's. */
  ca?: string;
}

export function createApiClient(baseUrl: string, token?: string | null, opts: ClientOptions = {}) {
  // a coordinator with its own CA: fetch through a dispatcher that trusts it
  const dispatcher = opts.ca ? new Agent({ connect: { ca: opts.ca } }) : null;
  const fetchWithCa = dispatcher
    ? ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher } as never)) as unknown as typeof fetch
    : undefined;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl.replace(/\/$/, "")}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
        ...(fetchWithCa ? { fetch: fetchWithCa } : {}),
      }),
    ],
  });
}

/** The stable code of an API error (`TARGET_OUTSIDE_WINDOW`, `FORBIDDEN`, …). */
export function errorCode(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const data = err.data as { appCode?: string; code?: string } | undefined;
    return data?.appCode ?? data?.code ?? null;
  }
  return null;
}

export { TRPCClientError };
export type { AppRouter };
