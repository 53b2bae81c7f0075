"use client";
// React Query + tRPC for the signed-in console. Queries and mutations go to /api/trpc (batched),
// subscriptions over server-sent events; both are proxied to the coordinator by this app's
// server, which adds the session. A 401 from anywhere means the session is gone: back to sign-in.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { AppRouter } from "@tideline/api";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { useState } from "react";
import superjson from "superjson";
import { errorCode, isUnauthenticated } from "@/lib/errors";
import { TRPCProvider } from "@/lib/trpc";

function toSignIn(err: unknown) {
  if (!isUnauthenticated(err) || typeof window === "undefined") return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/sign-in${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`);
}

function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: toSignIn }),
    mutationCache: new MutationCache({ onError: toSignIn }),
    defaultOptions: {
      queries: {
        // freshness comes from live.onChange invalidations, not from timers
        staleTime: 60_000,
        // coded errors are answers (NOT_FOUND, a refused plan): asking again gives the same one;
        // only an unreachable coordinator is worth another try
        retry: (count, err) =>
          !isUnauthenticated(err) &&
          count < 2 &&
          (!/^[A-Z_]+: /.test((err as Error).message ?? "") || errorCode(err) === "COORDINATOR_UNREACHABLE"),
      },
    },
  });
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({ url: "/api/trpc", transformer: superjson }),
          false: httpBatchLink({ url: "/api/trpc", transformer: superjson, maxURLLength: 4000 }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
