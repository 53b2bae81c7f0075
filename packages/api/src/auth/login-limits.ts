// Sign-in throttling, shared by every coordinator through the inventory (rate-limiter-flexible's
// PostgreSQL store): after 5 failed sign-ins an account is locked for 15 minutes, and an address
// that fails 30 times in 15 minutes is refused for as long, whichever account it tries.
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors";

export const LOGIN_LIMITS = { perAccount: 5, perAddress: 30, windowSeconds: 15 * 60 } as const;

export class LoginLimits {
  readonly #account: RateLimiterPostgres;
  readonly #address: RateLimiterPostgres;

  constructor(pool: pg.Pool) {
    const common = {
      storeClient: pool,
      storeType: "pool",
      tableName: "login_limits",
      tableCreated: true,
      duration: LOGIN_LIMITS.windowSeconds,
      blockDuration: LOGIN_LIMITS.windowSeconds,
    };
    this.#account = new RateLimiterPostgres({
      ...common,
      keyPrefix: "account",
      points: LOGIN_LIMITS.perAccount,
    });
    this.#address = new RateLimiterPostgres({
      ...common,
      keyPrefix: "address",
      points: LOGIN_LIMITS.perAddress,
    });
  }

  /** Refuses with LOGIN_LOCKED while the account or the address is over its limit. */
  async check(email: string, ip: string | null): Promise<void> {
    const [account, address] = await Promise.all([
      this.#account.get(email),
      ip ? this.#address.get(ip) : null,
    ]);
    const over = [
      account && account.consumedPoints >= LOGIN_LIMITS.perAccount ? account : null,
      address && address.consumedPoints >= LOGIN_LIMITS.perAddress ? address : null,
    ].filter((r): r is RateLimiterRes => r !== null);
    if (over.length > 0) throw locked(Math.max(...over.map((r) => r.msBeforeNext)));
  }

  /** Counts a failure; the one that reaches the limit locks. */
  async failed(email: string, ip: string | null): Promise<void> {
    await Promise.all([this.#account.penalty(email, 1), ip ? this.#address.penalty(ip, 1) : null]);
  }

  /** A successful sign-in clears the account's count (not the address's). */
  async succeeded(email: string): Promise<void> {
    await this.#account.delete(email);
  }
}

function locked(ms: number): AppError {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return new AppError(
    "LOGIN_LOCKED",
    `too many failed sign-ins; try again in ${minutes} min (or ask an admin)`,
    { retryAfterSeconds: Math.ceil(ms / 1000) },
  );
}
