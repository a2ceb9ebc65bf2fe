import { AbortedError } from "../../core/errors.ts";
import type { ModelRequest, ModelStreamEvent } from "../../core/model.ts";
import { StreamCutError } from "../retry.ts";
import type { ModelCallSettings } from "../sdk-stream.ts";
import type { FromWorker } from "./protocol.ts";
import { closeStream, openStream } from "./thread.ts";
import { fromWireError } from "./wire-error.ts";

/** The attempt did not run in the worker (there is none, or it stopped before answering): run it here. */
export const RUN_HERE = "run here";

type Arrival =
  | Exclude<FromWorker, { type: "trace" }>
  | { type: "gone"; reason: string }
  | { type: "aborted" };

/**
 * One streamed attempt, run in the model worker: yields its events as they arrive and throws its
 * failure rebuilt (wire-error.ts), so withRetry around it reads what it always read. An abort ends
 * it at once here and is passed on to the worker, which stops the request; so is a caller that
 * stops reading. Returns RUN_HERE, having yielded nothing, when the worker cannot take it.
 */
export async function* streamInWorker(
  request: ModelRequest,
  signal: AbortSignal,
  settings: ModelCallSettings,
): AsyncGenerator<ModelStreamEvent, typeof RUN_HERE | undefined> {
  if (signal.aborted) throw new AbortedError();
  const arrivals: Arrival[] = [];
  let wake: (() => void) | undefined;
  const arrive = (arrival: Arrival) => {
    arrivals.push(arrival);
    wake?.();
    wake = undefined;
  };
  const id = openStream(settings, request, {
    message: arrive,
    gone: (reason) => arrive({ type: "gone", reason }),
  });
  if (id === undefined) return RUN_HERE;
  const onAbort = () => arrive({ type: "aborted" });
  signal.addEventListener("abort", onAbort, { once: true });
  let answered = false;
  let yielded = false;
  try {
    for (;;) {
      const arrival = arrivals.shift();
      if (!arrival) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      switch (arrival.type) {
        case "event":
          yielded = true;
          yield arrival.event;
          break;
        case "done":
          answered = true;
          return undefined;
        case "error":
          answered = true;
          throw fromWireError(arrival.error);
        case "gone":
          answered = true;
          if (!yielded) return RUN_HERE;
          // Half an answer came: withRetry sends the request again (on the main thread now).
          throw new StreamCutError(`the model worker stopped (${arrival.reason})`);
        case "aborted":
          throw new AbortedError();
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (!answered) closeStream(id);
  }
}
