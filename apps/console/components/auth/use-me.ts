"use client";
// Who is signed in, and what their role allows. The server checks every mutation anyway; the
// console only hides what would be refused.
import { useQuery } from "@tanstack/react-query";
import { type TRole, useTRPC } from "@/lib/trpc";

const RANK: Record<TRole, number> = { viewer: 1, operator: 2, admin: 3 };

export function useMe() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  const can = (min: TRole) => !!me.data && RANK[me.data.role] >= RANK[min];
  return { me: me.data, isLoading: me.isLoading, error: me.error, can };
}
