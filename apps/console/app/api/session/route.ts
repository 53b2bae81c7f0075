// Sign in and out. The session token from the coordinator's `auth.signIn` goes into an httpOnly
// cookie and never reaches page scripts; /api/trpc adds it to every proxied call.
import { cookies } from "next/headers";
import { type NextRequest, NextResponse } from "next/server";
import { callCoordinator, SESSION_COOKIE } from "@/lib/session";

export const dynamic = "force-dynamic";

interface SignInOutput {
  token: string;
  expiresAt: Date;
  user: { id: string; email: string; name: string; role: string };
}

function secureRequest(req: NextRequest): boolean {
  return req.nextUrl.protocol === "https:" || req.headers.get("x-forwarded-proto") === "https";
}

export async function POST(req: NextRequest) {
  const body = (await req.json().catch(() => null)) as { email?: unknown; password?: unknown } | null;
  const email = typeof body?.email === "string" ? body.email.trim() : "";
  const password = typeof body?.password === "string" ? body.password : "";
  const r = await callCoordinator<SignInOutput>("auth.signIn", "mutation", { email, password }, undefined, req.headers.get("x-forwarded-for"));
  if (!r.ok) return NextResponse.json(r.error, { status: r.error.status });
  const jar = await cookies();
  jar.set(SESSION_COOKIE, r.data.token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: secureRequest(req),
    expires: new Date(r.data.expiresAt),
  });
  return NextResponse.json({ user: r.data.user, expiresAt: r.data.expiresAt });
}

export async function DELETE() {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  // best effort: an unreachable coordinator must not keep the browser signed in
  if (token) await callCoordinator("auth.signOut", "mutation", { token }, token);
  jar.delete(SESSION_COOKIE);
  return NextResponse.json({ ok: true });
}
