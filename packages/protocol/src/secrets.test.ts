import { describe, expect, it } from "vitest";
import { openJobSecrets, REDACTED, redactConninfo, sealJobSecrets } from "./secrets";

describe("job secrets", () => {
  it("keeps a clone's password out of the stored payload and puts it back for the agent", () => {
    const payload = { cloneId: "abc123", user: "tideline", password: "s3cret-s3cret-s3cret" };
    const sealed = sealJobSecrets("clone.create", payload);
    expect(sealed.payload).toEqual({ cloneId: "abc123", user: "tideline", password: REDACTED });
    expect(JSON.stringify(sealed.payload)).not.toContain("s3cret");
    expect(sealed.secrets).toEqual({ password: "s3cret-s3cret-s3cret" });
    expect(openJobSecrets(sealed.payload, sealed.secrets)).toEqual(payload);
    expect(payload.password).toBe("s3cret-s3cret-s3cret"); // the caller's object is untouched
  });

  it("redacts only the password of a replication conninfo, which stays readable", () => {
    const payload = {
      mode: "replica",
      primary: { conninfo: "host=db1 port=5432 user=rep password='p w\\'d' dbname=postgres", port: 5432 },
    };
    const sealed = sealJobSecrets("cluster.check", payload);
    expect((sealed.payload as typeof payload).primary.conninfo).toBe(
      `host=db1 port=5432 user=rep password=${REDACTED} dbname=postgres`,
    );
    expect(openJobSecrets(sealed.payload, sealed.secrets)).toEqual(payload);
  });

  it("stores nothing apart when there is nothing secret", () => {
    expect(
      sealJobSecrets("cluster.protect", { primary: { conninfo: "host=/run/postgresql port=5432" } }).secrets,
    ).toBeNull();
    expect(sealJobSecrets("diag.sleep", { seconds: 1 })).toEqual({ payload: { seconds: 1 }, secrets: null });
  });

  it("redacts URI-form passwords too", () => {
    expect(redactConninfo("postgresql://rep:hunter2@db1:5432/postgres?sslmode=require")).toBe(
      `postgresql://rep:${REDACTED}@db1:5432/postgres?sslmode=require`,
    );
    expect(redactConninfo("postgres://db1/postgres?user=rep&password=hunter2")).toBe(
      `postgres://db1/postgres?user=rep&password=${REDACTED}`,
    );
  });
});
