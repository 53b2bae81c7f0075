// Sign in with email and password; the session lands in an httpOnly cookie (see /api/session).
import type { Metadata } from "next";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <h1 className="text-xl font-semibold tracking-tight">Tideline</h1>
          <p className="mt-1 text-zinc-500 dark:text-zinc-400">
            Point-in-time recovery for your PostgreSQL fleet
          </p>
        </div>
        <Suspense>
          <SignInForm />
        </Suspense>
      </div>
    </main>
  );
}
