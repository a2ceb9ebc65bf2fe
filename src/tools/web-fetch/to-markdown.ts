import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { workerThreads } from "../../core/worker-threads.ts";

/*
 * HTML to Markdown off the main thread, within a time budget. Turndown is
 * synchronous and its cost grows faster than the page (a 1 MB page of nested
 * <div>s kept it busy for minutes), so on the event loop one fetched page
 * could freeze the TUI and ignore Ctrl-C and every deadline. In a worker the
 * deadline and the user's abort simply terminate the thread, and the page
 * falls back to its text with the tags stripped (linear, never stuck).
 */

/** How long a conversion may take before the page's plain text is used instead. */
const CONVERSION_BUDGET_MS = 5_000;
/** The worker's heap: a page of at most a few MB never needs more, and a blow-up stops here. */
const WORKER_HEAP_MB = 256;

export interface Markdown {
  text: string;
  /** Set when the page could not be converted and its plain text was used: why, for the model. */
  fallback?: string;
}

/** The worker's script: beside the bundle in dist/, the TypeScript source when run from src/ (tests). */
function workerFile(): string {
  const bundled = fileURLToPath(new URL("./web-fetch-markdown.js", import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL("./markdown-worker.ts", import.meta.url));
}

function convertInWorker(html: string, signal: AbortSignal, budgetMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new (workerThreads().Worker)(workerFile(), {
      workerData: html,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(signal.reason ?? new Error("aborted")));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`it took over ${budgetMs / 1000} s`))),
      budgetMs,
    );
    signal.addEventListener("abort", onAbort, { once: true });
    worker.once("message", (message: { markdown?: string; error?: string }) =>
      finish(() =>
        message.markdown !== undefined
          ? resolve(message.markdown)
          : reject(new Error(message.error ?? "failed")),
      ),
    );
    worker.once("error", (error) => finish(() => reject(error)));
    worker.once("exit", (code) => finish(() => reject(new Error(`the converter stopped (exit ${code})`))));
  });
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** A page's text without its markup, in one linear pass: the fallback when conversion fails. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<(script|style|noscript|template|svg|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<!--[\s\S]*?-->/g, " ")
    .replace(/<\/?(p|div|br|li|h[1-6]|tr|pre|section|article|header|footer|ul|ol|table)\b[^>]*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
      if (name.startsWith("#")) {
        const code =
          name[1]?.toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t\f\v\r]+/g, " ")
    .replace(/ *\n[\n ]*/g, "\n\n")
    .trim();
}

/**
 * A page as Markdown, converted in a worker within the budget (and never
 * past the caller's signal); its plain text, with the reason, when the
 * conversion fails or runs out of time. Throws only when the caller aborts.
 */
export async function htmlToMarkdown(html: string, signal: AbortSignal): Promise<Markdown> {
  try {
    return { text: await convertInWorker(html, signal, CONVERSION_BUDGET_MS) };
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return { text: htmlToPlainText(html), fallback: `could not convert the page to Markdown (${reason})` };
  }
}
