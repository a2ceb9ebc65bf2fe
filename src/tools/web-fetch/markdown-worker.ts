import { parentPort, workerData } from "node:worker_threads";
import { convertHtmlWithTurndown } from "./turndown-convert.ts";

/*
 * Runs in a worker thread (see to-markdown.ts): one page in, its Markdown or
 * the conversion's error out. A hostile page can make the conversion take
 * minutes or overflow the stack; here that costs a thread the caller
 * terminates, not the agent's event loop.
 */
try {
  parentPort?.postMessage({ markdown: convertHtmlWithTurndown(String(workerData)) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
