// Dense data tables: one look for every listing in the console.
import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";

export function Table({ className = "", ...rest }: HTMLAttributes<HTMLTableElement>) {
  return <table className={`w-full border-collapse text-left ${className}`} {...rest} />;
}

export function Th({ className = "", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-zinc-200 bg-zinc-100/80 px-3 py-1.5 text-[11px] font-semibold tracking-wide whitespace-nowrap text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/80 dark:text-zinc-400 ${className}`}
      {...rest}
    />
  );
}

export function Tr({ className = "", ...rest }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={`hover:bg-zinc-100/70 dark:hover:bg-zinc-900/60 ${className}`} {...rest} />;
}

export function Td({ className = "", ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td
      className={`border-b border-zinc-100 px-3 py-1.5 align-middle whitespace-nowrap dark:border-zinc-800/70 ${className}`}
      {...rest}
    />
  );
}

export type SortDir = "asc" | "desc";

/** A column header that sorts its table: a button inside the header, with aria-sort. */
export function SortTh({
  label,
  sortKey,
  sort,
  dir,
  onSort,
  className = "",
  title,
}: {
  label: React.ReactNode;
  sortKey: string;
  sort: string;
  dir: SortDir;
  onSort: (key: string) => void;
  className?: string;
  title?: string;
}) {
  const active = sort === sortKey;
  return (
    <Th
      className={className}
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"}
      title={title}
    >
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        data-testid={`sort-${sortKey}`}
        className={`inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100 ${active ? "text-zinc-800 dark:text-zinc-200" : ""}`}
      >
        {label}
        <span aria-hidden className={active ? "" : "opacity-30"}>
          {active && dir === "desc" ? "▼" : "▲"}
        </span>
      </button>
    </Th>
  );
}
