// The dependency rule (scripts/check-deps.sh runs it in `pnpm test`): packages never import apps,
// the bottom packages never import the ones built on them, and nothing imports in a circle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "packages-never-import-apps",
      comment: "packages/ are libraries the apps are built from; an import the other way makes a cycle of packages",
      severity: "error",
      from: { path: "^packages/" },
      to: { path: "^apps/" },
    },
    {
      name: "foundations-stay-below-the-api",
      comment: "core, protocol, postgres and db are the foundation: they do not know the API, its client or the test kit",
      severity: "error",
      from: { path: "^packages/(core|protocol|postgres|db)/" },
      to: { path: "^packages/(api|client|testkit)/" },
    },
    {
      name: "apps-stay-apart",
      comment: "an app uses packages, never another app's source (the CLI may start the coordinator and agent it ships)",
      severity: "error",
      from: { path: "^apps/(console|agent|coordinator)/" },
      to: { path: "^apps/", pathNot: "^apps/$1/" },
    },
    {
      name: "no-circular",
      comment: "modules that import each other in a circle cannot be understood, tested or moved one at a time",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|dist|generated)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
  },
};
