-- Failed sign-ins counted per account and per address, shared by every coordinator, in the
-- layout rate-limiter-flexible's PostgreSQL store expects (key, points, expire in ms since epoch).
CREATE TABLE "login_limits" (
  "key" VARCHAR(255) PRIMARY KEY,
  "points" INTEGER NOT NULL DEFAULT 0,
  "expire" BIGINT
);
