// An API error as a readable sentence (the coordinator's message already starts with its code).
import { errorMessage } from "@/lib/errors";

export function ErrorText({ error, className = "" }: { error: unknown; className?: string }) {
  if (!error) return null;
  return (
    <p
      role="alert"
      data-testid="error"
      className={`rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950/60 dark:text-red-200 ${className}`}
    >
      {errorMessage(error)}
    </p>
  );
}
