// The browser's only way to the coordinator: /api/trpc/<procedure> is forwarded to
// ${TIDELINE_COORDINATOR_URL}/trpc/<procedure> with the session token from the httpOnly cookie
// as a Bearer token. Responses are streamed through unchanged, so tRPC subscriptions (SSE)
// work; when the browser goes away the upstream request is aborted, which ends the
// coordinator's subscription too.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { NextRequest } from "next/server";
import { coordinatorUrl, SESSION_COOKIE } from "@/lib/session";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** Procedures the browser may not call through the proxy: they would hand it a session token. */
const BLOCKED = new Set(["auth.signIn", "auth.signOut"]);
const FORWARD_REQUEST_HEADERS = ["content-type", "accept", "trpc-accept", "last-event-id", "x-trpc-source"];
const DROP_RESPONSE_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "set-cookie",
]);
const QUERY_TIMEOUT_MS = 60_000;
const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE"]);

function trpcError(status: number, code: string, message: string): Response {
  // the shape the tRPC client expects from a superjson-transformed router
  const body = {
    error: {
      json: { message, code: -32600, data: { code, appCode: code, httpStatus: status, zodError: null } },
    },
  };
  return Response.json(body, { status });
}

async function forward(req: NextRequest): Promise<Response> {
  const procedures = req.nextUrl.pathname.replace(/^\/api\/trpc\/?/, "");
  if (!procedures || procedures.split(",").some((p) => BLOCKED.has(decodeURIComponent(p)))) {
    return trpcError(403, "FORBIDDEN", "FORBIDDEN: sign in and out through the console's /api/session");
  }
  const target = new URL(`${coordinatorUrl()}/trpc/${procedures}${req.nextUrl.search}`);
  const headers: Record<string, string> = {};
  for (const name of FORWARD_REQUEST_HEADERS) {
    const v = req.headers.get(name);
    if (v) headers[name] = v;
  }
  const token = req.cookies.get(SESSION_COOKIE)?.value;
  if (token) headers.authorization = `Bearer ${token}`;
  const body = req.method === "POST" ? Buffer.from(await req.arrayBuffer()) : null;
  if (body) headers["content-length"] = String(body.length);
  const streaming = (req.headers.get("accept") ?? "").includes("text/event-stream");

  const send = () =>
    new Promise<http.IncomingMessage>((resolve, reject) => {
      const mod = target.protocol === "https:" ? https : http;
      const r = mod.request(target, {
        method: req.method,
        headers,
        agent: target.protocol === "https:" ? agents.https : agents.http,
        signal: req.signal,
        // a subscription may stay quiet for a long time; a query may not
        timeout: streaming ? 0 : QUERY_TIMEOUT_MS,
      });
      r.once("response", resolve);
      r.once("error", (err: NodeJS.ErrnoException) =>
        reject(Object.assign(err, { staleSocket: r.reusedSocket && STALE_SOCKET_CODES.has(err.code ?? "") })),
      );
      r.once("timeout", () => r.destroy(new Error(`no answer within ${QUERY_TIMEOUT_MS / 1000} s`)));
      r.end(body ?? undefined);
    });

  let upstream: http.IncomingMessage;
  try {
    try {
      upstream = await send();
    } catch (err) {
      // A kept-alive socket the coordinator closed just as we reused it: the request never
      // reached it, so sending it again on a fresh socket is safe (see Node's http docs on
      // request.reusedSocket).
      if (!(err as { staleSocket?: boolean }).staleSocket || req.signal.aborted) throw err;
      upstream = await send();
    }
  } catch (err) {
    if (req.signal.aborted) return new Response(null, { status: 499 });
    return trpcError(
      502,
      "COORDINATOR_UNREACHABLE",
      `COORDINATOR_UNREACHABLE: cannot reach the coordinator at ${coordinatorUrl()} (${(err as Error).message})`,
    );
  }

  const out = new Headers();
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || DROP_RESPONSE_HEADERS.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  const status = upstream.statusCode ?? 502;
  if ((upstream.headers["content-type"] ?? "").includes("text/event-stream")) {
    // no compression or proxy buffering of the event stream: events must arrive as they happen
    out.set("cache-control", "no-cache, no-transform");
    out.set("x-accel-buffering", "no");
  } else {
    out.set("cache-control", "no-store");
  }
  // an expired or revoked session: forget it, so the next page load goes to /sign-in
  if (status === 401 && token)
    out.append("set-cookie", `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
  req.signal.addEventListener("abort", () => upstream.destroy(), { once: true });
  const stream = Readable.toWeb(upstream) as unknown as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers: out });
}

export const GET = forward;
export const POST = forward;
