// A typed client of the coordinator's tRPC API, for the CLI, tests and benchmarks.
import type { AppRouter } from "@tideline/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(baseUrl: string, token?: string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl.replace(/\/$/, "")}/trpc`,
        transformer: superjson,
        headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
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
