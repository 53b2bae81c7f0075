// Users and API tokens from the command line, as the console's settings have them: what a
// script needs to give a viewer or an operator their own token.
import { randomBytes } from "node:crypto";
import type { ApiClient } from "@tideline/client";
import { CliError, printJson, printTable } from "../output";

const ROLES = ["viewer", "operator", "admin"] as const;

/** NAME is an email, or a plain name that becomes NAME@tideline.local. */
export async function usersCreate(
  client: ApiClient,
  name: string,
  opts: { role?: string; password?: string; json: boolean },
) {
  const role = opts.role ?? "viewer";
  if (!ROLES.includes(role as never))
    throw new CliError("USAGE", `--role must be one of ${ROLES.join(", ")}`, 2);
  const email = name.includes("@") ? name : `${name}@tideline.local`;
  const generated = opts.password === undefined;
  const password = opts.password ?? randomBytes(15).toString("base64url");
  const user = await client.users.create.mutate({
    email,
    name: name.split("@")[0]!,
    role: role as (typeof ROLES)[number],
    password,
  });
  if (opts.json) return printJson({ ...user, ...(generated ? { password } : {}) });
  process.stdout.write(`created ${user.role} ${user.email}\n`);
  if (generated) process.stdout.write(`password (shown once): ${password}\n`);
}

export async function usersList(client: ApiClient, json: boolean) {
  const users = await client.users.list.query();
  if (json) return printJson(users);
  printTable(
    users.map((u) => ({ ...u, state: u.disabled ? "disabled" : "active" })),
    ["email", "name", "role", "state", "createdAt"],
  );
}

export async function tokensCreate(client: ApiClient, opts: { user?: string; name?: string; json: boolean }) {
  const t = await client.tokens.create.mutate({
    name: opts.name ?? `cli ${new Date().toISOString().slice(0, 16)}`,
    user: opts.user,
  });
  if (opts.json) return printJson(t);
  process.stdout.write(`API token for ${t.user} (shown once):\n\n  ${t.token}\n`);
}
