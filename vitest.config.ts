import { defineConfig } from "vitest/config";

// Two projects: fast unit tests next to the code, and integration tests (`*.int.test.ts`) that
// start real PostgreSQL clusters, zfs-fuse pools, coordinators and agents; those run one file at
// a time because they share the machine's two cores and its zfs-fuse daemon.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts", "apps/console/lib/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["packages/*/src/**/*.int.test.ts", "apps/*/src/**/*.int.test.ts", "apps/*/test/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
