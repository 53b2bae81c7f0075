// Turning API errors into text a DBA can read. Coordinator errors already start with their
// stable code ("JOB_NOT_CANCELLABLE: job … is not queued or running"); validation errors come
// with flattened field errors, which forms show beside their inputs.
import { TRPCClientError } from "@trpc/client";

interface ErrorData {
  code?: string;
  appCode?: string;
  httpStatus?: number;
  zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null;
}

function dataOf(err: unknown): ErrorData | null {
  if (err instanceof TRPCClientError) return (err.data as ErrorData | undefined) ?? null;
  return null;
}

/** The stable code of an error (`INVALID_CREDENTIALS`, `FORBIDDEN`, …), if there is one. */
export function errorCode(err: unknown): string | null {
  const d = dataOf(err);
  return d?.appCode ?? d?.code ?? null;
}

/** Field → messages, for forms. */
export function fieldErrors(err: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(dataOf(err)?.zodError?.fieldErrors ?? {})) if (v?.length) out[k] = v;
  return out;
}

/** One readable sentence for any error thrown by a query or mutation. */
export function errorMessage(err: unknown): string {
  if (!err) return "";
  const d = dataOf(err);
  if (d?.zodError) {
    const parts = [
      ...(d.zodError.formErrors ?? []),
      ...Object.entries(d.zodError.fieldErrors ?? {}).map(([k, v]) => `${k}: ${(v ?? []).join(", ")}`),
    ];
    if (parts.length) return `INVALID_INPUT: ${parts.join("; ")}`;
  }
  if (err instanceof Error) {
    if (err.message === "Failed to fetch" || err.message === "fetch failed")
      return "NETWORK: the console server could not be reached";
    return err.message;
  }
  return String(err);
}

export function isUnauthenticated(err: unknown): boolean {
  return dataOf(err)?.httpStatus === 401 || errorCode(err) === "UNAUTHORIZED";
}
