import { existsSync } from "node:fs";
import { getCompileCacheDir } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ModelRequest } from "../../core/model.ts";
import { traceStartup } from "../../core/startup-trace.ts";
import type { ModelCallSettings } from "../sdk-stream.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

/*
 * The one model worker of the process, seen from the main thread. It starts as early as a run knows
 * it will call a model (startModelWorker), loads the AI SDK at once, and serves every client's
 * streams. It is unref'd while no stream runs, so it never keeps tacit alive, and Node stops it
 * when the process exits. If it cannot start, or stops, calls run on the main thread from then on
 * (openStream answers undefined): slower to start, otherwise the same.
 */

/** What the owner of one stream hears: the worker's messages for it, or that the worker is gone. */
export interface StreamListener {
  message(message: Exclude<FromWorker, { type: "trace" }>): void;
  gone(reason: string): void;
}

interface Thread {
  worker: Worker;
  listeners: Map<number, StreamListener>;
}

let thread: Thread | undefined;
/** Why there is no worker; set once, and calls run on the main thread from then on. */
let unavailable: string | undefined;
let nextId = 1;

/** The worker's script: beside the bundle in dist/, the TypeScript source when run from src/ (tests). */
function workerFile(): string {
  const bundled = fileURLToPath(new URL("./model-worker.js", import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL("./worker.ts", import.meta.url));
}

/**
 * Starts the worker if it is not running yet; it begins loading the AI SDK at once, and the
 * package of the provider `modelHint` ("provider/model-id") names, if it is a built-in one.
 */
export function startModelWorker(modelHint?: string): void {
  running(modelHint);
}

function running(modelHint?: string): Thread | undefined {
  if (thread || unavailable !== undefined) return thread;
  // For measuring against the in-thread path, and a way out should a platform's workers misbehave.
  if (process.env.TACIT_MODEL_WORKER === "0") {
    unavailable = "TACIT_MODEL_WORKER=0";
    return undefined;
  }
  try {
    // The launcher's compile cache (bin/tacit.js) is per thread: the worker turns it on for itself.
    const worker = new Worker(workerFile(), {
      name: "tacit model worker",
      workerData: {
        compileCacheDir: getCompileCacheDir(),
        providerHint: modelHint?.includes("/")
          ? modelHint.slice(0, modelHint.indexOf("/")).trim().toLowerCase()
          : undefined,
      },
    });
    const started: Thread = { worker, listeners: new Map() };
    worker.on("message", (message: FromWorker) => dispatch(started, message));
    worker.on("error", (error) => stopped(started, error.message));
    worker.on("exit", (code) => stopped(started, `exit ${code}`));
    // After the listeners: adding a "message" listener refs the worker again.
    worker.unref();
    thread = started;
    traceStartup("model worker started");
    return started;
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    return undefined;
  }
}

function dispatch(from: Thread, message: FromWorker): void {
  if (message.type === "trace") {
    traceStartup(message.phase, message.at);
    return;
  }
  const listener = from.listeners.get(message.id);
  if (!listener) return;
  if (message.type !== "event") release(from, message.id);
  listener.message(message);
}

/** The worker is gone: its streams are told, and later calls run on the main thread. */
function stopped(from: Thread, reason: string): void {
  if (thread !== from) return;
  thread = undefined;
  unavailable = reason;
  traceStartup(`model worker stopped (${reason}): model calls run on the main thread`);
  const listeners = [...from.listeners.values()];
  from.listeners.clear();
  for (const listener of listeners) listener.gone(reason);
}

/** Builds this model in the worker now, so the first request finds it ready; false when there is no worker. */
export function prepareInWorker(settings: ModelCallSettings): boolean {
  const current = running();
  if (!current) return false;
  return post(current, { type: "prepare", settings });
}

/**
 * Sends one streamed attempt to the worker; its messages go to the listener. Undefined when there
 * is no worker, or the request cannot be posted: the caller runs it on the main thread.
 */
export function openStream(
  settings: ModelCallSettings,
  request: ModelRequest,
  listener: StreamListener,
): number | undefined {
  const current = running();
  if (!current) return undefined;
  const id = nextId++;
  // A stream in flight keeps the process alive: the caller awaits the worker, and a promise alone does not.
  if (current.listeners.size === 0) current.worker.ref();
  current.listeners.set(id, listener);
  if (post(current, { type: "stream", id, settings, request })) return id;
  release(current, id);
  return undefined;
}

/** The caller stopped listening (aborted, or read no further): the worker stops the request. */
export function closeStream(id: number): void {
  const current = thread;
  if (!current?.listeners.has(id)) return;
  release(current, id);
  post(current, { type: "abort", id });
}

function release(from: Thread, id: number): void {
  from.listeners.delete(id);
  if (from.listeners.size === 0) from.worker.unref();
}

/** False when the message cannot be cloned (postMessage's DataCloneError): that call runs here instead. */
function post(to: Thread, message: ToWorker): boolean {
  try {
    to.worker.postMessage(message);
    return true;
  } catch {
    return false;
  }
}
