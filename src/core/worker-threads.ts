import { createRequire } from "node:module";

const requireBuiltin = createRequire(import.meta.url);

/**
 * node:worker_threads, taken when a worker is about to start rather than when
 * a module that may start one loads. Loading it costs about 1.4 ms of CPU, and
 * most runs start no worker: the memory check only when a start finds memory's
 * file names unchanged (memory/content-check.ts), the page converter only on a
 * web fetch (tools/web-fetch/to-markdown.ts).
 */
export function workerThreads(): typeof import("node:worker_threads") {
  return requireBuiltin("node:worker_threads");
}
