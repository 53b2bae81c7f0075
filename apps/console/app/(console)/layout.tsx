// Every signed-in page: data providers, the live-update subscription and the shell.
// proxy.ts already sent visitors without a session cookie to /sign-in.
import { LiveUpdates } from "@/components/live/live-updates";
import { Providers } from "@/components/providers";
import { Shell } from "@/components/shell/shell";

export default function ConsoleLayout({ children }: { children: React.ReactNode }) {
  return (
    <Providers>
      <LiveUpdates>
        <Shell>{children}</Shell>
      </LiveUpdates>
    </Providers>
  );
}
