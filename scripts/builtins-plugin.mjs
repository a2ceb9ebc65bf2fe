// An esbuild plugin that takes Node's built-in modules for tacit's own code with
// process.getBuiltinModule() instead of an ESM import. An ESM import of a built-in
// builds a namespace of all its exports, which reads every lazy getter: `node:fs`
// then loads fs/promises, its streams and readline (2.2 ms of CPU against 0.02 ms
// for getBuiltinModule, measured), `node:util` loads worker_threads and the diff
// printer (2.1 ms against 0.01 ms). The same named exports are given, read once
// from the module object; a lazy getter (fs.promises) is not one of them, so using
// one by name fails the build instead of being read at start.
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
      contents: [
        // Node before 22.3 has no getBuiltinModule, and it answers undefined for a module this Node
        // lacks (node:sqlite behind its flag): require (the bundle's banner makes one) then loads
        // it, or says in Node's own words that there is no such module.
        `const builtin = process.getBuiltinModule?.(${JSON.stringify(args.path)}) ?? require(${JSON.stringify(args.path)});`,
        "export default builtin;",
        `export const { ${plainExports(args.path).join(", ")} } = builtin;`,
      ].join("\n"),
      loader: "js",
    }));
  },
};
