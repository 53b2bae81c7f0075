// Server-side only: where the coordinator is and how the console's session cookie is named.
// The coordinator's address is read per request (not at build time), so one build of the
// console can be pointed anywhere with TIDELINE_COORDINATOR_URL.
import superjson from "superjson";

export const SESSION_COOKIE = "tl_session";

export function coordinatorUrl(): string {
  return (process.env.TIDELINE_COORDINATOR_URL || "http://127.0.0.1:7400").replace(/\/+$/, "");
}

export interface CoordinatorError {
  status: number;
  code: string;
  message: string;
  fieldErrors?: Record<string, string[]>;
}

type Result<T> = { ok: true; data: T } | { ok: false; error: CoordinatorError };

interface WireError {
  message?: string;
  data?: { code?: string; appCode?: string; zodError?: { fieldErrors?: Record<string, string[]> } | null };
}

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/**
 * Call one coordinator procedure with a plain fetch (the tRPC wire format with superjson):
 * used by the session route, which must see the session token that the browser never does.
 */
export async function callCoordinator<T>(
  path: string,
  kind: "query" | "mutation",
  input: unknown,
  token?: string,
  /** The browser's address, so the coordinator's sign-in limits count per browser, not per console. */
  forwardedFor?: string | null,
): Promise<Result<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  const encoded = JSON.stringify(superjson.serialize(input));
  let url = `${coordinatorUrl()}/trpc/${path}`;
  const init: RequestInit = {
    method: kind === "query" ? "GET" : "POST",
    headers,
    signal: AbortSignal.timeout(15_000),
  };
  if (kind === "query") url += `?input=${encodeURIComponent(encoded)}`;
  else {
    headers["content-type"] = "application/json";
    init.body = encoded;
  }
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    return {
      ok: false,
      error: {
        status: 502,
        code: "COORDINATOR_UNREACHABLE",
        message: `COORDINATOR_UNREACHABLE: cannot reach the coordinator at ${coordinatorUrl()} (${reason(err)})`,
      },
    };
  }
  const body = (await res.json().catch(() => null)) as {
    result?: { data?: unknown };
    error?: { json?: WireError } & WireError;
  } | null;
  if (res.ok && body?.result) {
    return {
      ok: true,
      data: superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) as T,
    };
  }
  const e: WireError = body?.error?.json ?? body?.error ?? {};
  return {
    ok: false,
    error: {
      status: res.status >= 400 ? res.status : 502,
      code: e.data?.appCode ?? e.data?.code ?? "COORDINATOR_ERROR",
      message: e.message ?? `COORDINATOR_ERROR: HTTP ${res.status}`,
      fieldErrors: e.data?.zodError?.fieldErrors ?? undefined,
    },
  };
}
