// Bundles src/ into dist/ with esbuild, dependencies included; heavy ones are
// imported lazily by the code so startup only pays for what a run uses.

import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";
import {
  aiWithoutGateway,
  inkWithoutDevTools,
  providerUtilsWithoutHeaders,
  stringWidthFastPath,
  webTreeSitterCommonJs,
  yogaLoadedBeforeUse,
  yogaWithoutFetch,
} from "./build-plugins.mjs";
import { builtinsWithoutNamespace } from "./builtins-plugin.mjs";

const { version } = JSON.parse(readFileSync("package.json", "utf8"));

// Files that code finds beside its own chunk by name (new URL("./x.js", import.meta.url)), so every bundle
// that can run that code holds them: the WebFetch converter runs in a worker thread
// (src/tools/web-fetch/to-markdown.ts), from its own file.
const besideEntryPoints = { "web-fetch-markdown": "src/tools/web-fetch/markdown-worker.ts" };

rmSync("dist", { recursive: true, force: true });
const bundleOptions = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  // Dependencies are bundled too: one tree-shaken file per chunk loads much
  // faster than resolving hundreds of files in node_modules. The model SDKs stay
  // in their own chunks, loaded on the first request.
  banner: {
    js: "import { createRequire as __tacitCreateRequire } from 'node:module'; const require = __tacitCreateRequire(import.meta.url);",
  },
  sourcemap: "linked",
  // Smaller files decode and parse faster: about 25 ms less to the first request
  // (measured A/B with TACIT_TRACE_STARTUP). Identifiers are kept, so stack traces
  // stay readable; the linked source maps map them back to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  jsx: "automatic",
  // React and Ink pick their production builds by NODE_ENV; fixing it at build time drops the
  // development builds (over 1 MB of react-reconciler) from the bundle without setting the
  // variable for the commands tacit runs.
  define: { TACIT_VERSION: JSON.stringify(version), "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
  // Ink loads React DevTools only when DEV=true and the package is installed; it is not a dependency.
  external: ["react-devtools-core"],
  plugins: [
    yogaWithoutFetch,
    stringWidthFastPath,
    providerUtilsWithoutHeaders,
    aiWithoutGateway,
    builtinsWithoutNamespace,
  ],
};
// Every command runs from one of two CommonJS files, which src/cli/print-bundle-loader.ts runs with a code
// cache made after a run: dist/cli.cjs (the TUI, acp, every subcommand) and dist/print/print-entry.cjs
// (`tacit -p`: the headless run's code alone, src/cli/print-entry.ts says why). The first line of each
// carries a build id, a hash of the file, that names the cache (V8 checks only the source's length).
const BUILD_ID_PLACEHOLDER = "0".repeat(16);
const commonJsOptions = {
  ...bundleOptions,
  format: "cjs",
  splitting: false,
  outExtension: { ".js": ".cjs" },
  banner: {},
};
async function buildCachedBundle(outdir, entryPoints, define = {}) {
  await build({
    ...commonJsOptions,
    entryPoints,
    outdir,
    // Every import() a require(): a script run by vm.Script has no module loader of its own to import with.
    supported: { "dynamic-import": false },
    plugins: [...bundleOptions.plugins, webTreeSitterCommonJs, yogaLoadedBeforeUse, inkWithoutDevTools],
    banner: { js: `/* tacit build ${BUILD_ID_PLACEHOLDER} */` },
    define: { ...bundleOptions.define, ...define, "import.meta.url": "__importMetaUrl" },
    inject: ["scripts/import-meta-url.js"],
  });
  for (const name of Object.keys(entryPoints)) {
    const file = `${outdir}/${name}.cjs`;
    const source = readFileSync(file, "latin1");
    const buildId = createHash("sha256").update(source).digest("hex").slice(0, BUILD_ID_PLACEHOLDER.length);
    // Same length, so the source map's columns still hold.
    writeFileSync(file, source.replace(BUILD_ID_PLACEHOLDER, buildId), "latin1");
  }
}
await buildCachedBundle(
  "dist",
  { cli: "src/cli/main.ts" },
  {
    TACIT_PRINT_BUNDLE: JSON.stringify("./print/print-entry.cjs"),
  },
);
await buildCachedBundle("dist/print", { "print-entry": "src/cli/print-entry.ts" });
// The loader the launcher requires before the bundles, and the files the bundles' code finds beside itself.
await build({
  ...commonJsOptions,
  entryPoints: { "load-print": "src/cli/print-bundle-loader.ts" },
  outdir: "dist/print",
});
for (const outdir of ["dist", "dist/print"])
  await build({ ...bundleOptions, splitting: false, entryPoints: besideEntryPoints, outdir });

// The bash grammar and its runtime are WebAssembly files that cannot be bundled as code: they sit
// next to the chunks, where src/agent/shell/parser.ts looks first.
const require = createRequire(import.meta.url);
for (const wasm of ["web-tree-sitter/web-tree-sitter.wasm", "tree-sitter-bash/tree-sitter-bash.wasm"]) {
  for (const folder of ["dist", "dist/print"])
    copyFileSync(require.resolve(wasm), `${folder}/${wasm.slice(wasm.indexOf("/") + 1)}`);
}

// Recall's word-meaning tables (scripts/build-word-meaning.ts) are data, read at the first recall
// from beside the chunks: src/memory/search/word-neighbours.ts and word-vectors.ts.
for (const table of ["word-neighbours.tsv", "word-vectors.bin"]) {
  for (const folder of ["dist", "dist/print"])
    copyFileSync(`src/memory/search/${table}`, `${folder}/${table}`);
}

// A new home's database starts as a copy of one made here with every migration applied
// (src/memory/tacit-database.ts says why), read from beside the chunks like the tables above.
const { writeDatabaseTemplate } = await import("../src/memory/tacit-database.ts");
writeDatabaseTemplate("dist/tacit-template.db");
copyFileSync("dist/tacit-template.db", "dist/print/tacit-template.db");

// The memory browser's page (`tacit memory ui`): one browser bundle and its two static files, served by
// src/cli/memory-ui/ from dist/memory-ui/, so the page works offline and loads nothing from elsewhere.
mkdirSync("dist/memory-ui", { recursive: true });
await build({
  entryPoints: { app: "src/cli/memory-ui/page/main.ts" },
  outdir: "dist/memory-ui",
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  logLevel: "warning",
});
for (const file of ["index.html", "app.css"])
  copyFileSync(`src/cli/memory-ui/page/${file}`, `dist/memory-ui/${file}`);
