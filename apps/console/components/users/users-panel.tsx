"use client";
// Users and their roles (admins): who may look (viewer), act on clusters and clones
// (operator), or manage users and agents (admin). The coordinator validates the new user; its
// field errors sit under the inputs.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorText } from "@/components/ui/error-text";
import { FormField, inputClass, selectClass } from "@/components/ui/form";
import { Loading } from "@/components/ui/page";
import { Badge } from "@/components/ui/state-badge";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { errorCode, errorMessage, fieldErrors } from "@/lib/errors";
import { type TRole, useTRPC } from "@/lib/trpc";

export const ROLES: Array<{ role: TRole; what: string }> = [
  { role: "viewer", what: "sees the fleet, windows, plans and jobs" },
  { role: "operator", what: "also restores, manages clones, takes restore points, changes cluster settings" },
  { role: "admin", what: "also manages users, agents and reads the audit log" },
];

export function UsersPanel() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  return (
    <div className="grid gap-4 p-4 lg:grid-cols-[1fr_20rem]">
      <div className="min-w-0">
        <ErrorText error={users.error} />
        {users.isLoading ? (
          <Loading what="users" />
        ) : (
          <Table data-testid="users-table" className="rounded border border-zinc-200 dark:border-zinc-800">
            <thead>
              <tr>
                <Th>User</Th>
                <Th>Role</Th>
                <Th>Since</Th>
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((u) => (
                <Tr key={u.id} data-testid="user-row" data-email={u.email}>
                  <Td>
                    <div className="font-medium">{u.name}</div>
                    <div className="text-[12px] text-zinc-500">{u.email}</div>
                  </Td>
                  <Td>
                    <Badge tone={u.role === "admin" ? "info" : "neutral"}>{u.role}</Badge>
                    {u.disabled && (
                      <Badge tone="warn" className="ml-1">
                        disabled
                      </Badge>
                    )}
                  </Td>
                  <Td>
                    <RelativeTime at={u.createdAt} />
                  </Td>
                </Tr>
              ))}
            </tbody>
          </Table>
        )}
        <ul className="mt-3 space-y-0.5 text-[12px] text-zinc-500">
          {ROLES.map((r) => (
            <li key={r.role}>
              <span className="font-medium text-zinc-700 dark:text-zinc-300">{r.role}</span> {r.what}
            </li>
          ))}
        </ul>
      </div>
      <CreateUserForm />
    </div>
  );
}

function CreateUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [f, setF] = useState({ email: "", name: "", role: "viewer" as TRole, password: "" });
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setF({ email: "", name: "", role: "viewer", password: "" });
        void queryClient.invalidateQueries(trpc.users.list.queryFilter());
      },
    }),
  );
  const errs = fieldErrors(create.error);
  if (errorCode(create.error) === "USER_EXISTS") errs.email = [errorMessage(create.error)];
  const other = create.error && Object.keys(errs).length === 0 ? create.error : null;
  const field = (k: "email" | "name" | "password", label: string, type = "text", auto = "off") => (
    <FormField label={label} name={`user-${k}`} errors={errs[k]}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={type}
          className={inputClass}
          value={f[k]}
          onChange={(e) => setF((p) => ({ ...p, [k]: e.target.value }))}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          autoComplete={auto}
          data-testid={`new-user-${k}`}
        />
      )}
    </FormField>
  );
  return (
    <form
      className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(f);
      }}
      data-testid="new-user-form"
    >
      <h3 className="font-medium">Add a user</h3>
      {field("email", "Email", "email")}
      {field("name", "Name")}
      <FormField label="Role" name="user-role" errors={errs.role}>
        {({ id, describedBy }) => (
          <select
            id={id}
            className={`${selectClass} w-full`}
            value={f.role}
            onChange={(e) => setF((p) => ({ ...p, role: e.target.value as TRole }))}
            aria-describedby={describedBy}
            data-testid="new-user-role"
          >
            {ROLES.map((r) => (
              <option key={r.role} value={r.role}>
                {r.role}
              </option>
            ))}
          </select>
        )}
      </FormField>
      {field("password", "Initial password", "password", "new-password")}
      <ErrorText error={other} />
      {create.isSuccess && (
        <p className="text-[12px] text-emerald-700 dark:text-emerald-300" data-testid="new-user-created">
          {create.data.email} can sign in now.
        </p>
      )}
      <Button type="submit" variant="primary" disabled={create.isPending} data-testid="new-user-submit">
        Add user
      </Button>
    </form>
  );
}
