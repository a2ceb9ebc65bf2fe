import { loadYoga, type Yoga } from "yoga-layout/load";

/**
 * Ink's layout engine (yoga-layout, WebAssembly) as tacit's bundle gives it to
 * Ink. yoga-layout's main entry waits for its WebAssembly with a top-level
 * await, which a CommonJS bundle cannot hold, and the full CLI is one CommonJS
 * script run with a code cache (cli/print-bundle-loader.ts). So the build
 * resolves Ink's `yoga-layout` to this module (scripts/build-plugins.mjs,
 * yogaLoadedBeforeUse): an object whose fields arrive when loadLayoutEngine
 * resolves, which runTui awaits before Ink lays anything out. Ink reads the
 * engine only inside its functions, never while its modules load.
 * Run from the sources (tests), Ink takes yoga-layout itself and this object
 * is filled for no one.
 */
const engine = {} as Yoga;
export default engine;

let loading: Promise<void> | undefined;

export function loadLayoutEngine(): Promise<void> {
  loading ??= loadYoga().then((loaded) => {
    Object.assign(engine, loaded);
  });
  return loading;
}
