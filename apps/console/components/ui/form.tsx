// Form pieces with one look: labelled inputs with help text and the server's field errors
// beneath them (the coordinator's validation is the truth; the console only shows it).
import { useId } from "react";

export const inputClass =
  "w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-[13px] text-zinc-900 disabled:cursor-not-allowed disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 aria-[invalid=true]:border-red-500";

export const selectClass =
  "rounded-md border border-zinc-300 bg-white px-2 py-1 text-[13px] text-zinc-900 disabled:cursor-not-allowed disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 aria-[invalid=true]:border-red-500";

/**
 * A labelled control. `children` gets the ids to wire: `id` for the control, and
 * `describedBy` for its help and error text.
 */
export function FormField({
  label,
  help,
  errors,
  name,
  children,
  className = "",
}: {
  label: React.ReactNode;
  help?: React.ReactNode;
  errors?: string[];
  /** The field's name, for test ids of its error. */
  name: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => React.ReactNode;
  className?: string;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const invalid = !!errors?.length;
  const describedBy = [help ? helpId : null, invalid ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block font-medium">
        {label}
      </label>
      {children({ id, describedBy, invalid })}
      {help && (
        <p id={helpId} className="mt-1 text-[12px] text-zinc-500 dark:text-zinc-400">
          {help}
        </p>
      )}
      {invalid && (
        <p
          id={errorId}
          className="mt-1 text-[12px] text-red-700 dark:text-red-300"
          data-testid={`field-error-${name}`}
        >
          {errors!.join(", ")}
        </p>
      )}
    </div>
  );
}
