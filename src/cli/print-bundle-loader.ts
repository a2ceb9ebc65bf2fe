import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire, enableCompileCache as enableNodeCompileCache } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { privateFolder, readPrivateFile, replacePrivateFile } from "../core/private-folder.ts";
import { sha256Hex } from "../core/sha256.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { SUBCOMMANDS } from "./subcommand-names.ts";

/**
 * Loads one of tacit's CommonJS bundles with a V8 code cache made after a run,
 * not before it: dist/print/print-entry.cjs (a headless run) and dist/cli.cjs
 * (everything else: the TUI, acp, every subcommand).
 *
 * Node's own compile cache (module.enableCompileCache) stores a module's code
 * right after compiling it, when V8 has compiled only the top level: every
 * function start-up calls is compiled again on every run, about 1,500 of them
 * before the first request. A cache made when a run ends holds them all: the
 * first request came 86 → 67 ms (BENCHMARKS.md). An ES module cannot be cached
 * that way without an experimental flag, so each bundle is one CommonJS file
 * run through vm.Script.
 *
 * The cache is code tacit runs, so it is kept only in the user's private folder
 * (core/private-folder.ts), read without following links, and named by the
 * bundle's build id (a hash of its text the build writes into its first line:
 * V8 itself checks only the source's length), the command it runs (`role`: a
 * cache holds only what its run compiled, so `tacit memory list` and the TUI
 * each keep their own) and what else decides the code (codeCacheFile). A cache
 * V8 rejects (another Node, other V8 flags) or a missing one is written when
 * the run ends well: the process exits with code 0, whether by running out of
 * work (a headless run, a subcommand) or by process.exit(0) (acp once its
 * client has closed stdin, or sent SIGTERM or SIGINT, which close it). The
 * TUI's is written once it has started well instead (writeCodeCachesNow). A
 * run that failed, crashed or was killed before then writes none, so no cache
 * holds an error path alone.
 * NODE_DISABLE_COMPILE_CACHE turns it off, as it does Node's.
 */
export function loadBundle<Exports>(
  bundle: string,
  role = "",
  env: NodeJS.ProcessEnv = process.env,
): Exports {
  // Once per process: the launcher loads the print bundle, and the full CLI asks again when the fast
  // parser hands the line back; a second copy would be a second set of modules with their own state.
  const loaded = (globalThis as Record<symbol, Map<string, unknown> | undefined>)[LOADED];
  const entry = loaded?.get(bundle) ?? loadOnce(bundle, role, env);
  (globalThis as Record<symbol, Map<string, unknown>>)[LOADED] = (loaded ?? new Map()).set(bundle, entry);
  return entry as Exports;
}

/**
 * Which cache a full-CLI run takes: the subcommand it names (the first word that is one), else
 * "tui". Only known names, so a prompt's word never names a file.
 * @public (bin/tacit.js calls it from the built file)
 */
export function cacheRoleOf(argv: readonly string[]): string {
  const word = argv.find((candidate) => !candidate.startsWith("-"));
  return word !== undefined && SUBCOMMANDS.includes(word) ? word : TUI_ROLE;
}

/**
 * The TUI's cache is written only by the TUI, once started (writeCodeCachesNow), never at exit: the
 * other runs without a subcommand (--help, --version, a usage error) would leave it one that holds
 * none of the TUI's code, which the TUI would then take, every start.
 */
const TUI_ROLE = "tui";

const LOADED = Symbol.for("tacit.printBundles");

function loadOnce(bundle: string, role: string, env: NodeJS.ProcessEnv): unknown {
  // Node maps stack traces through source maps (--enable-source-maps) for what require loads, not for a
  // vm.Script: someone reading a stack gets the source's lines, and the run its usual compile cache.
  if (process.sourceMapsEnabled) return createRequire(bundle)(bundle);
  // The bundle is ASCII (a test holds it so): latin1 is the cheapest decoding and gives the same text.
  const source = readFileSync(bundle, "latin1");
  const cacheFile = env.NODE_DISABLE_COMPILE_CACHE ? undefined : codeCacheFile(bundle, source, role, env);
  const cached = cacheFile ? readCache(cacheFile) : undefined;
  const script = new vm.Script(`${SCRIPT_PREFIX}${source}\n})`, {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
  });
  const state = cached ? (script.cachedDataRejected ? "rejected" : "accepted") : "absent";
  traceStartup(`code cache ${state}: ${path.basename(bundle)}`);
  const module = { exports: {} };
  const run = script.runInThisContext() as (...wrapperArguments: unknown[]) => void;
  run(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  if (cacheFile && state !== "accepted") {
    const writes = cachesToWrite();
    const write = () => {
      writes.delete(bundle);
      saveCache(cacheFile, script);
    };
    writes.set(bundle, write);
    if (role !== TUI_ROLE) {
      process.once("exit", (code) => {
        if (code === 0 && writes.get(bundle) === write) write();
      });
    }
  }
  return module.exports;
}

/** The caches this process is to write, by bundle: shared by every copy of this module (see LOADED). */
function cachesToWrite(): Map<string, () => void> {
  const registry = globalThis as Record<symbol, Map<string, () => void> | undefined>;
  registry[TO_WRITE] ??= new Map();
  return registry[TO_WRITE];
}

const TO_WRITE = Symbol.for("tacit.codeCachesToWrite");

/**
 * Writes now, instead of at exit, the caches this process has still to write. For the TUI once it has
 * started well (its first frame drawn, its runtime loaded): a terminal closed under it ends it by a
 * signal, with no exit code, and someone who always leaves that way would otherwise never get a cache.
 * A start that fails never gets here; the cache holds the start-up's code, which is what it is for.
 */
export function writeCodeCachesNow(): void {
  for (const write of [...cachesToWrite().values()]) write();
}

/**
 * The bundle runs as the body of a CommonJS module's function, as require would run it. Exported for
 * the test that maps V8's coverage of the script back to the bundle's source.
 */
export const SCRIPT_PREFIX = "(function (exports, require, module, __filename, __dirname) {";

/** What the build writes at the start of the bundle: `/* tacit build <16 hex digits> *\/`. */
const BUILD_ID = /^\/\* tacit build ([0-9a-f]{16}) \*\//;
/** <kind>-<build id>[-<role>]-<Node version>-<variant>.v8cache (codeCacheName). */
const CACHE_NAME = /^(print|cli)-([0-9a-f]{16})-(?:([a-z][a-z-]*)-)?v\d.*-[0-9a-f]{12}\.v8cache$/;
/** Caches of other builds kept beside the current build's (two installs used in turn). */
const CACHES_KEPT = 3;
/**
 * Caches of one build and command kept (other Node flags or versions used in turn, the same build
 * rebuilt): the newest. Each is 1-2.4 MB; without a bound every new NODE_OPTIONS added one for good.
 */
const VARIANTS_KEPT = 2;
/** Far above a real cache (about 2 MB): a bigger file is not one of ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

export function buildIdOf(source: string): string | undefined {
  return BUILD_ID.exec(source)?.[1];
}

/**
 * <bundle>-<build id>[-<role>]-<what else decides the code>.v8cache, the bundle being print or cli. The
 * build id names the bundle's text; the role the command (cacheRoleOf); the
 * file's size, time and inode catch a hand edit of the same length (V8 checks only the length); Node's
 * version, the architecture and the V8 flags (NODE_OPTIONS, node's own arguments) decide whether V8
 * takes the cache at all, so runs with other flags keep their own instead of rewriting one in turn.
 */
function codeCacheFile(
  bundle: string,
  source: string,
  role: string,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const name = codeCacheName(bundle, source, env, process.execArgv, role);
  const folder = name && privateFolder(env, { create: true });
  return folder ? path.join(folder, name) : undefined;
}

/** The cache's file name (see codeCacheFile); undefined for a bundle without a build id. */
export function codeCacheName(
  bundle: string,
  source: string,
  env: NodeJS.ProcessEnv,
  nodeArguments: readonly string[] = process.execArgv,
  role = "",
): string | undefined {
  const buildId = buildIdOf(source);
  if (!buildId) return undefined;
  const file = statSync(bundle);
  const decides = [file.size, file.mtimeMs, file.ino, process.arch, env.NODE_OPTIONS ?? "", ...nodeArguments];
  const kind = path.basename(bundle).startsWith("print") ? "print" : "cli";
  const variant = sha256Hex(JSON.stringify(decides)).slice(0, 12);
  return `${[kind, buildId, role, process.version, variant].filter(Boolean).join("-")}.v8cache`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readPrivateFile(file, MAX_CACHE_BYTES);
  } catch {
    return undefined; // none yet, or not a file of ours: the run compiles as it goes and writes one
  }
}

function saveCache(file: string, script: vm.Script): void {
  try {
    if (replacePrivateFile(file, script.createCachedData()))
      pruneCaches(path.dirname(file), path.basename(file));
  } catch {
    // Only speed is lost: the next run compiles as it goes and tries again.
  }
}

/**
 * Leaves the newest VARIANTS_KEPT caches of the current build's command (other Node flags, versions
 * or a rebuild of the same source make another file each) and the newest CACHES_KEPT of the same
 * bundle's other builds: at most two a command and three more, whatever the runs were.
 */
function pruneCaches(folder: string, current: string): void {
  const [, kind, buildId, role = ""] = CACHE_NAME.exec(current) ?? [];
  if (!kind) return;
  const sameCommand: { name: string; modified: number }[] = [];
  const otherBuilds: { name: string; modified: number }[] = [];
  for (const name of readdirSync(folder)) {
    const [, otherKind, otherBuildId, otherRole = ""] = CACHE_NAME.exec(name) ?? [];
    if (otherKind !== kind) continue;
    const group = otherBuildId !== buildId ? otherBuilds : otherRole === role ? sameCommand : undefined;
    group?.push({ name, modified: statSync(path.join(folder, name)).mtimeMs });
  }
  const stale = [
    ...newestFirst(sameCommand.filter((cache) => cache.name !== current)).slice(VARIANTS_KEPT - 1),
    ...newestFirst(otherBuilds).slice(CACHES_KEPT),
  ];
  for (const cache of stale) rmSync(path.join(folder, cache.name), { force: true });
}

function newestFirst<Cache extends { modified: number }>(caches: Cache[]): Cache[] {
  return caches.sort((first, second) => second.modified - first.modified);
}

/**
 * Node's compile cache for what the launcher loads as modules (the full CLI's chunks), kept in the
 * user's private folder too. Node's default, node-compile-cache in the temp folder, is found by name
 * and not checked for its owner: a cache another user planted there would run as this one. The
 * launcher calls this first; NODE_DISABLE_COMPILE_CACHE leaves it off, as it would Node's.
 * @public (bin/tacit.js calls it from the built file)
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_DISABLE_COMPILE_CACHE) return;
  const folder = privateFolder(env, { create: true });
  if (!folder) return;
  try {
    enableNodeCompileCache(path.join(folder, "node-compile-cache"));
  } catch {
    // Only speed is lost.
  }
}
