"use client";
import { type Zone, zoneLabel } from "@/lib/time-input";
// Above the timeline chart: the zoom presets, buttons that zoom and pan, how much time is shown
// and in which zone, and a legend of what the chart draws.
import type { ViewCommand } from "@/lib/timeline/view-state";
import { formatSpan, PRESETS, type PresetId, type View } from "@/lib/timeline-scale";

export interface TimelineToolbarProps {
  view: View;
  zone: Zone;
  /** The preset being followed; null once the DBA has zoomed or panned. */
  activePreset: PresetId | null;
  onCommand: (command: ViewCommand) => void;
}

export function TimelineToolbar({ view, zone, activePreset, onCommand }: TimelineToolbarProps) {
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2">
      <fieldset className="inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700">
        <legend className="sr-only">Zoom presets</legend>
        {PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            onClick={() => onCommand({ preset: p.id })}
            aria-pressed={activePreset === p.id}
            data-testid={`timeline-preset-${p.id}`}
            className={`border-r border-zinc-300 px-2 py-0.5 text-[12px] last:border-r-0 dark:border-zinc-700 ${
              activePreset === p.id
                ? "bg-zinc-800 text-white dark:bg-zinc-200 dark:text-zinc-900"
                : "bg-white hover:bg-zinc-100 dark:bg-zinc-900 dark:hover:bg-zinc-800"
            }`}
          >
            {p.label}
          </button>
        ))}
      </fieldset>
      <fieldset className="inline-flex gap-1">
        <legend className="sr-only">Zoom and pan</legend>
        <ChartButton label="Pan earlier" onClick={() => onCommand({ pan: -0.25 })} testId="timeline-pan-left">
          ←
        </ChartButton>
        <ChartButton label="Zoom out" onClick={() => onCommand({ zoom: 2 })} testId="timeline-zoom-out">
          −
        </ChartButton>
        <ChartButton label="Zoom in" onClick={() => onCommand({ zoom: 0.5 })} testId="timeline-zoom-in">
          +
        </ChartButton>
        <ChartButton label="Pan later" onClick={() => onCommand({ pan: 0.25 })} testId="timeline-pan-right">
          →
        </ChartButton>
      </fieldset>
      <span className="text-[12px] text-zinc-500" data-testid="timeline-span">
        {formatSpan(view.to - view.from)} shown · {zoneLabel(zone, view.to)}
      </span>
      <Legend />
    </div>
  );
}

function ChartButton({
  label,
  onClick,
  children,
  testId,
}: {
  label: string;
  onClick: () => void;
  children: React.ReactNode;
  testId: string;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-label={label}
      title={label}
      data-testid={testId}
      className="size-6 rounded-md border border-zinc-300 bg-white text-[13px] leading-none hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
    >
      {children}
    </button>
  );
}

function Legend() {
  return (
    <span className="ml-auto flex items-center gap-3 text-[11px] text-zinc-500" aria-hidden>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-2.5 w-5 rounded-sm border border-sky-600 bg-sky-400/50" /> WAL
        archived
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block size-2.5 rotate-45 bg-sky-600 dark:bg-sky-300" /> restore point
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block size-2.5 bg-sky-600 dark:bg-sky-300" /> base backup
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-2.5 w-5 border border-dashed border-red-500" /> gap
      </span>
      <span className="inline-flex items-center gap-1">
        <span className="inline-block h-3 w-0 border-l border-dashed border-emerald-600" /> now
      </span>
    </span>
  );
}
