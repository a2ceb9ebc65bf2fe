import type { ModelRequest, ModelStreamEvent } from "../../core/model.ts";
import type { ModelCallSettings } from "../sdk-stream.ts";
import type { WireError } from "./wire-error.ts";

/*
 * The messages between the main thread and the model worker (thread.ts and worker.ts). Every stream
 * has an id, so one worker serves every client and any number of streams at once.
 */

/** Main thread → worker. */
export type ToWorker =
  /** Build this model now (its provider package loads), so the first request does not wait for it. */
  | { type: "prepare"; settings: ModelCallSettings }
  /** One streamed attempt: the worker answers with events, then done or error, all under this id. */
  | { type: "stream"; id: number; settings: ModelCallSettings; request: ModelRequest }
  /** The caller gave up (its signal aborted, or it stopped reading): stop the request. */
  | { type: "abort"; id: number };

/** Worker → main thread. */
export type FromWorker =
  | { type: "event"; id: number; event: ModelStreamEvent }
  | { type: "done"; id: number }
  | { type: "error"; id: number; error: WireError }
  /** A TACIT_TRACE_STARTUP line, timed on the worker's clock (which is the process's: one timeOrigin). */
  | { type: "trace"; phase: string; at: number };
