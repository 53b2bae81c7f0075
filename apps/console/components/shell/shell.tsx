// The frame of every signed-in page: sidebar with navigation, live status and the user.
import Link from "next/link";
import { LiveIndicator } from "@/components/live/live-updates";
import { Nav } from "./nav";
import { UserMenu } from "./user-menu";

export function Shell({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-1 dark:focus:bg-zinc-900"
      >
        Skip to content
      </a>
      <aside className="sticky top-0 flex h-screen w-52 shrink-0 flex-col gap-4 border-r border-zinc-200 bg-zinc-100/60 px-3 py-4 dark:border-zinc-800 dark:bg-zinc-900/50">
        <Link
          href="/"
          className="flex items-center gap-2 px-1 font-semibold tracking-tight"
          aria-label="Tideline — fleet overview"
        >
          <Logo />
          Tideline
        </Link>
        <Nav />
        <div className="mt-auto flex flex-col gap-3">
          <div className="px-1">
            <LiveIndicator />
          </div>
          <UserMenu />
        </div>
      </aside>
      <main id="main" className="min-w-0 flex-1 px-6 py-5">
        {children}
      </main>
    </div>
  );
}

function Logo() {
  return (
    <svg
      aria-hidden
      viewBox="0 0 24 24"
      className="size-5 text-sky-600 dark:text-sky-400"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
    >
      <path d="M2 15c2.5 0 2.5-2 5-2s2.5 2 5 2 2.5-2 5-2 2.5 2 5 2" />
      <path d="M2 20c2.5 0 2.5-2 5-2s2.5 2 5 2 2.5-2 5-2 2.5 2 5 2" opacity=".5" />
      <path d="M12 3v7m0 0-3-3m3 3 3-3" />
    </svg>
  );
}
