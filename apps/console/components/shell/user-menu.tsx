"use client";
// The signed-in user, their role, and sign out.
import { useState } from "react";
import { useMe } from "@/components/auth/use-me";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/state-badge";

export function UserMenu() {
  const { me } = useMe();
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    await fetch("/api/session", { method: "DELETE" }).catch(() => {});
    window.location.assign("/sign-in");
  };
  return (
    <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800" data-testid="user-menu">
      {me ? (
        <div className="mb-2 min-w-0 px-1">
          <p className="truncate font-medium" data-testid="user-name">
            {me.name}
          </p>
          <p className="truncate text-[12px] text-zinc-500 dark:text-zinc-400" data-testid="user-email">
            {me.email}
          </p>
          <Badge tone="neutral" className="mt-1" data-testid="user-role">
            {me.role}
          </Badge>
        </div>
      ) : (
        <p className="mb-2 px-1 text-zinc-400">…</p>
      )}
      <Button
        variant="ghost"
        className="w-full justify-start"
        onClick={signOut}
        disabled={busy}
        data-testid="sign-out"
      >
        Sign out
      </Button>
    </div>
  );
}
