// Bundles src/ into dist/ with esbuild. Dependencies stay external (loaded from
// node_modules); heavy ones are imported lazily by the code so startup only pays
// for what a run uses.

import { rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  packages: "external",
  sourcemap: "linked",
  jsx: "automatic",
  logLevel: "warning",
});
