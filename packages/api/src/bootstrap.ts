// First-run setup of an inventory: the first admin, and an API token for the local CLI.
import type { Db } from "@tideline/db";
import { hashPassword, hashToken, newPassword, newToken } from "./auth/secrets";

export async function ensureAdmin(db: Db, email = "admin@tideline.local"): Promise<{ email: string; password: string | null }> {
  const existing = await db.user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" } });
  if (existing) return { email: existing.email, password: null };
  const password = newPassword();
  await db.user.create({ data: { email, name: "Administrator", role: "admin", passwordHash: await hashPassword(password) } });
  return { email, password };
}

export async function createCliToken(db: Db, email: string, name: string): Promise<string> {
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const token = newToken("tlt");
  await db.apiToken.create({ data: { name, tokenHash: hashToken(token), userId: user.id } });
  return token;
}

export async function createEnrollmentTokenDirect(db: Db, ttlMs = 10 * 60_000): Promise<string> {
  const token = newToken("tle");
  await db.enrollmentToken.create({ data: { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + ttlMs) } });
  return token;
}
