// The inventory: Prisma client, generated types, migrations.
export { createDb, type Db } from "./client";
export { migrate, loadMigrations } from "./migrate";
export { Prisma } from "./generated/client";
export type * from "./generated/models";
