// A progress bar with an accessible value; the label (percent, bytes) sits beside it.
import { formatPercent } from "@/lib/format";

export function ProgressBar({
  value,
  state,
  size = "sm",
  label,
  ...rest
}: {
  value: number;
  state?: string;
  size?: "sm" | "md";
  label?: string;
} & React.HTMLAttributes<HTMLDivElement>) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  const colour =
    state === "failed"
      ? "bg-red-500"
      : state === "cancelled"
        ? "bg-amber-500"
        : state === "succeeded"
          ? "bg-emerald-500"
          : "bg-sky-500";
  return (
    <div
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-label={label ?? "progress"}
      aria-valuetext={formatPercent(value)}
      className={`w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800 ${size === "md" ? "h-2.5" : "h-1.5"}`}
      {...rest}
    >
      <div
        className={`h-full rounded-full transition-[width] duration-300 ${colour}`}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}
