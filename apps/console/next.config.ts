// The console is a Next.js app that only talks to the coordinator through its own
// /api/trpc proxy (see app/api/trpc/[...trpc]/route.ts). The coordinator's URL is read at
// runtime from TIDELINE_COORDINATOR_URL, so one build serves every deployment.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");

const nextConfig: NextConfig = {
  // the pnpm workspace root: Turbopack resolves symlinked workspace packages from there
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  // the domain's one codec for times, LSNs and sizes, and the restore-target vocabulary, shipped
  // as TypeScript source by the workspace
  transpilePackages: ["@tideline/core", "@tideline/protocol"],
  poweredByHeader: false,
  reactStrictMode: true,
  // build and start must work with no network
  images: { unoptimized: true },
  typedRoutes: false,
};

export default nextConfig;
