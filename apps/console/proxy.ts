// Pages need a session: without the httpOnly session cookie, a page request goes to /sign-in
// (remembering where it was headed). The API routes answer for themselves.
import { type NextRequest, NextResponse } from "next/server";

const SESSION_COOKIE = "tl_session";

export function proxy(req: NextRequest) {
  if (req.cookies.has(SESSION_COOKIE)) return NextResponse.next();
  const url = req.nextUrl.clone();
  const next = req.nextUrl.pathname + req.nextUrl.search;
  url.pathname = "/sign-in";
  url.search = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ["/((?!api/|_next/|sign-in|favicon\\.ico|icon\\.svg|robots\\.txt).*)"],
};
