// tRPC setup: context (who is calling), role-checked procedure builders, and an error formatter
// that passes our stable error codes and flattened zod field errors to the console and CLI.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { hashToken } from "./auth/secrets";
import type { Caller, Role, Services } from "./context";

export type { Caller, Role } from "./context";
import { AppError } from "./errors";

export interface Context {
  c: Services;
  caller: Caller | null;
  /** A token was presented and not accepted (unknown, expired, revoked, or its user disabled). */
  tokenRejected?: boolean;
  ip: string | null;
}

/** The caller behind an `Authorization: Bearer …` header, and whether a presented token was refused. */
export async function authenticate(
  c: Services,
  header: string | undefined,
): Promise<Pick<Context, "caller" | "tokenRejected">> {
  const caller = await callerFromAuthorization(c, header);
  return {
    caller,
    tokenRejected: !caller && Boolean(header?.startsWith("Bearer ") && header.slice(7).trim()),
  };
}

const TOKEN_USE_RESOLUTION_MS = 60_000;
/** When this process last wrote each API token's last-used time. */
const tokenUseWritten = new Map<string, number>();

export async function callerFromAuthorization(
  c: Services,
  header: string | undefined,
): Promise<Caller | null> {
  const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : null;
  if (!token) return null;
  const hash = hashToken(token);
  // one indexed query per call (the user joined in), not the ORM's two: every API call pays it
  if (token.startsWith("tls_")) {
    const { rows } = await c.pool.query<Caller>(
      `SELECT u.id, u.email, u.name, u.role::text AS role, 'session' AS via
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > (now() AT TIME ZONE 'UTC') AND u.disabled_at IS NULL`,
      [hash],
    );
    return rows[0] ?? null;
  }
  if (token.startsWith("tlt_")) {
    const { rows } = await c.pool.query<Caller & { tokenId: string; lastUsedAt: Date | null }>(
      `SELECT u.id, u.email, u.name, u.role::text AS role, 'token' AS via, t.id AS "tokenId",
              t.last_used_at AT TIME ZONE 'UTC' AS "lastUsedAt"
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [hash],
    );
    const t = rows[0];
    if (!t) return null;
    // "last used" to the minute: a script's burst of 200 calls is not 200 UPDATEs queued on one row
    const now = Date.now();
    if (
      now - Math.max(t.lastUsedAt?.getTime() ?? 0, tokenUseWritten.get(t.tokenId) ?? 0) >
      TOKEN_USE_RESOLUTION_MS
    ) {
      tokenUseWritten.set(t.tokenId, now);
      void c.pool
        .query("UPDATE api_tokens SET last_used_at = now() AT TIME ZONE 'UTC' WHERE id = $1", [t.tokenId])
        .catch(() => {});
    }
    return { id: t.id, email: t.email, name: t.name, role: t.role, via: "token" };
  }
  return null;
}

/** A field error may carry our stable code (`params.code` of a custom zod issue), e.g. INVALID_TARGET. */
function issueCode(err: ZodError): string | null {
  for (const issue of err.issues) {
    const code = issue.code === "custom" ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    if (typeof code === "string") return code;
  }
  return null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // stacks stay in the coordinator's log, never in a browser
  isDev: false,
  // keep idle SSE streams alive through proxies; the client reconnects after 30 s of silence
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        appCode:
          cause instanceof AppError
            ? cause.code
            : ((cause instanceof ZodError ? issueCode(cause) : null) ?? shape.data.code),
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
      },
    };
  },
});

/** AppErrors thrown by domain code become tRPC errors carrying their code and sentence. */
const mapErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (!res.ok && res.error.cause instanceof AppError) {
    const code = res.error.cause.code;
    res.error.message = res.error.cause.message;
    if (res.error.code === "INTERNAL_SERVER_ERROR") {
      (res.error as { code: string }).code = /NOT_FOUND$/.test(code)
        ? "NOT_FOUND"
        : /FORBIDDEN|DENIED/.test(code)
          ? "FORBIDDEN"
          : "BAD_REQUEST";
    }
  }
  return res;
});

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

function requireRole(min: Role) {
  return t.middleware(({ ctx, next }) => {
    if (!ctx.caller) {
      if (ctx.tokenRejected)
        throw new TRPCError({
          code: "UNAUTHORIZED",
          message: "TOKEN_INVALID: the API token was not accepted",
        });
      throw new TRPCError({ code: "UNAUTHORIZED", message: "UNAUTHENTICATED: sign in or pass an API token" });
    }
    if (RANK[ctx.caller.role] < RANK[min]) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `FORBIDDEN: this needs the ${min} role; you are ${ctx.caller.role}`,
      });
    }
    return next({ ctx: { ...ctx, caller: ctx.caller } });
  });
}

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);
export const viewerProcedure = publicProcedure.use(requireRole("viewer"));
export const operatorProcedure = publicProcedure.use(requireRole("operator"));
export const adminProcedure = publicProcedure.use(requireRole("admin"));
export const createCallerFactory = t.createCallerFactory;
