// An esbuild plugin that takes Node's built-in modules for tacit's own code with
// process.getBuiltinModule() instead of an ESM import. An ESM import of a built-in
// builds a namespace of all its exports, which reads every lazy getter: `node:fs`
// then loads fs/promises, its streams and readline (2.2 ms of CPU against 0.02 ms
// for getBuiltinModule, measured), `node:util` loads worker_threads and the diff
// printer (2.1 ms against 0.01 ms). The same named exports are given, read once
// from the module object; a lazy getter (fs.promises) is not one of them, so using
// one by name fails the build instead of being read at start.
import { execFileSync } from "node:child_process";
import { createRequire, isBuiltin } from "node:module";

const require = createRequire(import.meta.url);
const NAMESPACE = "tacit-builtin";

/** The names a built-in module exports as plain values (not getters), for `export const { … }`. */
function plainExports(specifier) {
  const descriptors = Object.getOwnPropertyDescriptors(require(specifier));
  return Object.keys(descriptors).filter(
    (key) => "value" in descriptors[key] && key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key),
  );
}

/**
 * Built-ins that are loaded at their first call instead of at start: node:crypto builds 19 internal
 * modules (3.4 ms of CPU, measured) and a start hashes with core/sha256.ts, so only a run that
 * writes a file or compares a hash loads it; node:child_process (1.8 ms, with net and dgram) only
 * when a run starts a process, which a start with a remembered sandbox probe does not;
 * node:dns/promises (0.5 ms) when WebFetch resolves a host. Only their
 * functions are given, each a stand-in that forwards the call (and util.promisify's custom form:
 * promisify(execFile) resolves with stdout and stderr); a class or a constant from them is not one
 * of them, so using one fails the build.
 */
const LOADED_AT_FIRST_CALL = new Set(["node:crypto", "node:child_process", "node:dns/promises"]);

/**
 * The exports that load more of Node when read. Node defines some lazily in C++ (util's parseArgs,
 * diff and setTraceSigInt: the last builds worker_threads, 1.9 ms together), and those look like
 * plain values to getOwnPropertyDescriptor, so a fresh Node reads each export and says which ones
 * grew its list of loaded modules; twice, in both orders, so two exports that share a module are
 * both caught. Asked once per module and build.
 */
const lazyExportsOf = new Map();
function lazyExports(specifier) {
  if (!lazyExportsOf.has(specifier)) {
    const script = `const m = require(${JSON.stringify(specifier)}); const keys = Object.keys(m); if (process.argv[1] === "reverse") keys.reverse(); const lazy = []; for (const key of keys) { const before = process.moduleLoadList.length; void m[key]; if (process.moduleLoadList.length !== before) lazy.push(key); } process.stdout.write(JSON.stringify(lazy));`;
    const found = ["forward", "reverse"].flatMap((order) =>
      JSON.parse(execFileSync(process.execPath, ["-e", script, order], { encoding: "utf8" })),
    );
    lazyExportsOf.set(specifier, new Set(found));
  }
  return lazyExportsOf.get(specifier);
}

function standIn(specifier) {
  const lazy = lazyExports(specifier);
  const module = require(specifier);
  const plain = plainExports(specifier);
  return [
    // Node before 22.3 has no getBuiltinModule, and it answers undefined for a module this Node
    // lacks (node:sqlite behind its flag): require (the bundle's banner makes one) then loads
    // it, or says in Node's own words that there is no such module.
    `const builtin = process.getBuiltinModule?.(${JSON.stringify(specifier)}) ?? require(${JSON.stringify(specifier)});`,
    "export default builtin;",
    `export const { ${plain.filter((key) => !lazy.has(key)).join(", ")} } = builtin;`,
    // A lazily made function is read at its first call; a lazily made value is not given at all.
    ...plain
      .filter((key) => lazy.has(key) && typeof module[key] === "function" && /^[a-z]/.test(key))
      .map((key) => `export function ${key}(...args) { return builtin.${key}(...args); }`),
  ].join("\n");
}

function firstCallStandIn(specifier) {
  const module = require(specifier);
  const functions = plainExports(specifier).filter(
    (key) => typeof module[key] === "function" && /^[a-z]/.test(key),
  );
  return [
    "let builtin;",
    `const load = () => (builtin ??= process.getBuiltinModule?.(${JSON.stringify(specifier)}) ?? require(${JSON.stringify(specifier)}));`,
    'const promisified = Symbol.for("nodejs.util.promisify.custom");',
    ...functions.flatMap((key) => [
      `export function ${key}(...args) { return load().${key}(...args); }`,
      `Object.defineProperty(${key}, promisified, { get: () => load().${key}[promisified] });`,
    ]),
  ].join("\n");
}

export const builtinsWithoutNamespace = {
  name: "builtins-without-namespace",
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => {
      // The stand-in's own fallback require stays a real require of the built-in.
      if (args.namespace === NAMESPACE) return { path: args.path, external: true };
      // Only tacit's own code: a dependency may read a getter through `import * as`.
      if (!isBuiltin(args.path) || /[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
      return { path: args.path, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      contents: LOADED_AT_FIRST_CALL.has(args.path) ? firstCallStandIn(args.path) : standIn(args.path),
      loader: "js",
    }));
  },
};
