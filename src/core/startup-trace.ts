/**
 * With TACIT_TRACE_STARTUP=1, prints how long each startup phase took (ms since
 * the process started) to stderr, so startup work can be measured, not guessed.
 */
const enabled = process.env.TACIT_TRACE_STARTUP === "1";

export function traceStartup(phase: string): void {
  if (enabled) process.stderr.write(`[startup] ${performance.now().toFixed(1).padStart(7)} ms  ${phase}\n`);
}
