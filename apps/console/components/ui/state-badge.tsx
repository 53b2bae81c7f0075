// A small coloured label for a state (job states, connection, cluster state). The word is
// always written out: colour only repeats what the text says.
const tones = {
  neutral: "bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
  info: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-900",
  good: "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900",
  warn: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900",
  bad: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-300 dark:ring-red-900",
} as const;
export type Tone = keyof typeof tones;

const STATE_TONES: Record<string, Tone> = {
  queued: "neutral",
  dispatched: "info",
  running: "info",
  succeeded: "good",
  failed: "bad",
  cancelled: "warn",
  connected: "good",
  disconnected: "bad",
  protected: "good",
  adding: "info",
  degraded: "warn",
  error: "bad",
};

export function Badge({
  tone = "neutral",
  children,
  className = "",
  ...rest
}: { tone?: Tone; children: React.ReactNode } & React.HTMLAttributes<HTMLSpanElement>) {
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-px text-[11px] font-medium whitespace-nowrap ring-1 ring-inset ${tones[tone]} ${className}`}
      {...rest}
    >
      {children}
    </span>
  );
}

export function StateBadge({ state, ...rest }: { state: string } & React.HTMLAttributes<HTMLSpanElement>) {
  const tone = STATE_TONES[state] ?? "neutral";
  const live = state === "running" || state === "dispatched";
  return (
    <Badge tone={tone} data-state={state} {...rest}>
      {live && <span aria-hidden className="size-1.5 animate-pulse rounded-full bg-current" />}
      {state}
    </Badge>
  );
}
