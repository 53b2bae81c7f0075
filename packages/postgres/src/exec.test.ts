import { describe, expect, it } from "vitest";
import { CommandError, run } from "./exec";

describe("run", () => {
  it("returns stdout and stderr of a successful command", async () => {
    const r = await run("sh", ["-c", 'echo out; echo err >&2; echo "$1"', "sh", "a b; rm -rf /"]);
    expect(r).toEqual({ code: 0, stdout: "out\na b; rm -rf /\n", stderr: "err\n" });
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const r = await run("printf", ["%s|", "$(id)", "*", "a;b"]);
    expect(r.stdout).toBe("$(id)|*|a;b|");
  });

  it("feeds input on stdin and honours cwd and env", async () => {
    expect((await run("cat", [], { input: "héllo" })).stdout).toBe("héllo");
    expect((await run("pwd", [], { cwd: "/tmp" })).stdout.trim()).toBe("/tmp");
    const r = await run("sh", ["-c", "echo $TL_X"], { env: { PATH: process.env.PATH, TL_X: "42" } });
    expect(r.stdout).toBe("42\n");
  });

  it("rejects a non-zero exit with a CommandError naming the command and stderr's last line", async () => {
    const err = await run("sh", ["-c", "echo first >&2; echo 'the reason' >&2; exit 3"]).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ code: "COMMAND_FAILED", command: "sh", exitCode: 3 });
    expect(err.args).toEqual(["-c", "echo first >&2; echo 'the reason' >&2; exit 3"]);
    expect(err.stderr).toBe("first\nthe reason\n");
    expect(err.message).toMatch(/^sh -c .* failed \(exit 3\): the reason$/);
  });

  it("keeps only the end of a long stderr", async () => {
    const err: CommandError = await run("sh", [
      "-c",
      "head -c 100000 /dev/zero | tr '\\0' x >&2; echo >&2; echo end >&2; exit 1",
    ]).catch((e) => e);
    expect(err.stderr.length).toBeLessThan(2100);
    expect(err.message).toMatch(/: end$/);
  });

  it("resolves a non-zero exit when allowFail is set", async () => {
    const r = await run("sh", ["-c", "echo no >&2; exit 2"], { allowFail: true });
    expect(r).toEqual({ code: 2, stdout: "", stderr: "no\n" });
  });

  it("rejects when the program cannot start, even with allowFail", async () => {
    const err = await run("/nonexistent/tideline-cmd", ["x"], { allowFail: true }).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.exitCode).toBeNull();
    expect(err.message).toMatch(/could not start: .*ENOENT/);
  });

  it("kills a command that outlives its timeout", async () => {
    const started = Date.now();
    const err = await run("sleep", ["10"], { timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("does not fail when the child ignores a large input", async () => {
    const r = await run("true", [], { input: Buffer.alloc(1 << 20) });
    expect(r.code).toBe(0);
  });
});
