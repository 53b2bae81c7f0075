"use client";
// The sign-in form. Errors: INVALID_CREDENTIALS becomes "Wrong email or password."; field
// errors from the coordinator's validation sit under their inputs; anything else is shown as is.
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

interface SessionError {
  code?: string;
  message?: string;
  fieldErrors?: Record<string, string[]>;
}

const input =
  "w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-[14px] dark:border-zinc-700 dark:bg-zinc-900 aria-[invalid=true]:border-red-500";

function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SessionError | null>(null);

  const onSubmit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      if (res.ok) {
        router.replace(safeNext(params.get("next")));
        router.refresh();
        return;
      }
      setError(
        ((await res.json().catch(() => null)) as SessionError | null) ?? { message: `HTTP ${res.status}` },
      );
    } catch (err) {
      setError({ code: "NETWORK", message: `NETWORK: ${(err as Error).message}` });
    }
    setBusy(false);
  };

  const fe = error?.fieldErrors ?? {};
  const message =
    error?.code === "INVALID_CREDENTIALS"
      ? "Wrong email or password."
      : Object.keys(fe).length
        ? null
        : (error?.message ?? null);

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      data-testid="sign-in-form"
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900/60"
    >
      <div>
        <label htmlFor="email" className="mb-1 block font-medium">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          className={input}
          aria-invalid={!!fe.email}
          data-testid="sign-in-email"
        />
        {fe.email && (
          <p className="mt-1 text-[12px] text-red-700 dark:text-red-300" data-testid="sign-in-email-error">
            {fe.email.join(", ")}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={input}
          aria-invalid={!!fe.password}
          data-testid="sign-in-password"
        />
        {fe.password && (
          <p className="mt-1 text-[12px] text-red-700 dark:text-red-300">{fe.password.join(", ")}</p>
        )}
      </div>
      {message && (
        <p
          role="alert"
          data-testid="sign-in-error"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200"
        >
          {message}
        </p>
      )}
      <Button
        type="submit"
        variant="primary"
        className="w-full py-1.5"
        disabled={busy}
        data-testid="sign-in-submit"
      >
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
