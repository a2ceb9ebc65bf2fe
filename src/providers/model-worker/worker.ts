import { enableCompileCache } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import { builtinProvider } from "../../config/builtin-providers.ts";
import { redirectStartupTrace, traceStartup } from "../../core/startup-trace.ts";
import { loadWirePackage } from "../endpoint.ts";
import { rehearse, sdkModel, streamAttempt } from "../sdk-stream.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { toWireError } from "./wire-error.ts";

/*
 * The model worker (started by thread.ts): the AI SDK, the provider packages and their zod load
 * here, so the main thread's start-up never pays for them, and it runs each streamed attempt the
 * main thread asks for, posting the events back. Any number of streams run at once, each under its
 * id; an abort message stops the one it names.
 */

// The main thread's compile cache (bin/tacit.js turns it on) is per thread: the SDK's chunks compile
// once and load from the cache on every later start, here as they did on the main thread.
const { compileCacheDir, providerHint } = (workerData ?? {}) as {
  compileCacheDir?: string;
  providerHint?: string;
};
if (compileCacheDir) enableCompileCache(compileCacheDir);

const port = parentPort;
if (!port) throw new Error("the model worker runs only as a worker thread");
const post = (message: FromWorker) => port.postMessage(message);

// Startup trace lines are printed by the main thread, in order with its own.
redirectStartupTrace((phase, at) => post({ type: "trace", phase, at }));

const running = new Map<number, AbortController>();

async function stream(message: Extract<ToWorker, { type: "stream" }>): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  try {
    for await (const event of streamAttempt(message.request, controller.signal, message.settings)) {
      post({ type: "event", id: message.id, event });
    }
    post({ type: "done", id: message.id });
  } catch (error) {
    post({ type: "error", id: message.id, error: toWireError(error) });
  } finally {
    running.delete(message.id);
  }
}

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "prepare":
      // Errors surface on the real request; here they only cost the head start.
      sdkModel(message.settings)
        .then(() => {
          traceStartup("model worker: provider SDK loaded");
          return rehearse(message.settings);
        })
        .then(() => traceStartup("model worker: request path rehearsed"))
        .catch(() => {});
      break;
    case "stream":
      void stream(message);
      break;
    case "abort":
      running.get(message.id)?.abort();
      break;
  }
});

// The AI SDK itself loads at once, before any model is known: the worker starts as early as a run
// knows it will call a model, and the first request finds it loaded. The hinted provider's package
// follows (a guess from the command line: settings may still move the provider to another wire).
import("../sdk/core.ts")
  .then(() => {
    traceStartup("model worker: AI SDK loaded");
    const wire = providerHint ? builtinProvider(providerHint)?.wire : undefined;
    return wire && loadWirePackage(wire).then(() => traceStartup(`model worker: ${wire} package loaded`));
  })
  .catch(() => {});
