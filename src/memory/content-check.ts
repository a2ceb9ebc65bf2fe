import path from "node:path";
import { workerThreads } from "../core/worker-threads.ts";
import { decodeManifestFiles, type FolderManifest } from "./folder-manifest.ts";
import type { MemoryScope } from "./scopes.ts";

/** The manifest's indices of files whose stats moved, or "failed" when the worker could not tell. */
export type CheckResult = number[] | "failed";

/**
 * The stat of every memory file, off the main thread: a file edited in place
 * (an editor writing into it) leaves its folder's stamp alone, so only its own
 * mtime, ctime or size tells. A worker thread stats the manifest's files and
 * answers the indices of those that moved, while the main thread goes on
 * loading the provider SDK and sending the first request; 20,000 stats cost it
 * one message. The answer is written to shared memory too, so a process that
 * ends before it came (a quick -p run) can wait for it then (finishNow).
 */
export interface ContentCheck {
  /** Resolves with the worker's answer. */
  changed: Promise<CheckResult>;
  /** Closing: blocks until the worker has answered (at most timeoutMs, else "failed"), then stops it. */
  finishNow(timeoutMs: number): CheckResult;
}

const RUNNING = 0;
const DONE = 1;

export function startContentCheck(
  manifest: FolderManifest,
  folders: Partial<Record<MemoryScope, string>>,
): ContentCheck {
  const resolvedFolders = Object.fromEntries(
    (Object.entries(folders) as Array<[MemoryScope, string]>).map(([scope, folder]) => [
      scope,
      path.resolve(folder),
    ]),
  );
  const fileCount = new DataView(manifest.blob.buffer, manifest.blob.byteOffset, 4).getUint32(0, true);
  // [state, count, index…]: RUNNING until the worker stores DONE (or anything else: it failed).
  const answer = new Int32Array(new SharedArrayBuffer(4 * (2 + fileCount)));
  const { Worker } = workerThreads();
  const worker = new Worker(`(${compareInWorker})(require, ${decodeManifestFiles})`, {
    eval: true,
    workerData: { blob: manifest.blob, folders: resolvedFolders, separator: path.sep, answer },
    // No stdin/stdout of its own to set up, and a small heap: it holds 20,000 names at most.
    stdout: false,
    stderr: false,
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  worker.unref();
  const read = (): CheckResult =>
    Atomics.load(answer, 0) === DONE ? Array.from(answer.subarray(2, 2 + answer[1]!)) : "failed";
  let settle: (result: CheckResult) => void = () => {};
  const changed = new Promise<CheckResult>((resolve) => {
    settle = resolve;
    // The message says the answer is in place; an error or an exit before it leaves it RUNNING: failed.
    worker.once("message", () => resolve(read()));
    worker.on("error", () => resolve("failed"));
    worker.once("exit", () => resolve(read()));
  });
  return {
    changed,
    finishNow(timeoutMs) {
      Atomics.wait(answer, 0, RUNNING, timeoutMs);
      const result = read();
      settle(result);
      worker.removeAllListeners();
      worker.on("error", () => {}); // a failure from here on is nobody's business: the answer is taken
      void worker.terminate();
      return result;
    },
  };
}

/*
 * compareInWorker and decodeManifestFiles run in the worker, which gets their
 * source text: they use nothing but what they are passed (an eval worker is a
 * CommonJS script: its `require` is handed to compareInWorker).
 */

function compareInWorker(
  // The worker's own `require`, passed in: a bundler rewrites the name `require` in this module's code.
  load: (id: string) => unknown,
  decode: (blob: Uint8Array) => { files: Array<{ scope: string; name: string }>; stats: Float64Array },
): void {
  const { parentPort, workerData } = load("node:worker_threads") as typeof import("node:worker_threads");
  const { statSync } = load("node:fs") as typeof import("node:fs");
  const { blob, folders, separator, answer } = workerData as {
    blob: Uint8Array;
    folders: Record<string, string>;
    separator: string;
    answer: Int32Array;
  };
  try {
    const { files, stats } = decode(blob);
    let count = 0;
    for (let index = 0; index < files.length; index++) {
      const file = files[index]!;
      const now = statSync(`${folders[file.scope]}${separator}${file.name}.md`, { throwIfNoEntry: false });
      const at = index * 3;
      // A NaN mtime (not trusted) equals nothing, so such a file is always read again.
      if (!now || now.mtimeMs !== stats[at] || now.ctimeMs !== stats[at + 1] || now.size !== stats[at + 2])
        answer[2 + count++] = index;
    }
    answer[1] = count;
    Atomics.store(answer, 0, 1); // DONE
  } catch {
    Atomics.store(answer, 0, 2); // failed
  }
  Atomics.notify(answer, 0);
  parentPort?.postMessage(null);
}
