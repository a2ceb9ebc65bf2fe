/**
 * With TACIT_TRACE_STARTUP=1, prints how long each startup phase took (ms since
 * the process started) to stderr, so startup work can be measured, not guessed.
 */
const enabled = process.env.TACIT_TRACE_STARTUP === "1";

/** Where a line goes: stderr, or (in the model worker) a message to the main thread that prints it. */
let sink: (phase: string, at: number) => void = (phase, at) =>
  process.stderr.write(`[startup] ${at.toFixed(1).padStart(7)} ms  ${phase}\n`);

/** `at` is a time on performance.now()'s clock, which every thread of the process shares. */
export function traceStartup(phase: string, at: number = performance.now()): void {
  if (enabled) sink(phase, at);
}

/** Sends this thread's lines elsewhere: a worker's stderr reaches the terminal late and out of order. */
export function redirectStartupTrace(to: (phase: string, at: number) => void): void {
  sink = to;
}
