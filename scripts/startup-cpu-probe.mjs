// Preloaded (node --import) by scripts/bench-startup-ab.ts: adds the process's CPU time so far to each
// TACIT_TRACE_STARTUP line ("@cpu 93.1"), and prints the CPU time at exit. CPU is steadier than wall
// time on a shared machine, and says what a change took off the thread rather than what it overlapped.
const write = process.stderr.write.bind(process.stderr);
const cpuMs = () => {
  const usage = process.cpuUsage();
  return ((usage.user + usage.system) / 1000).toFixed(1);
};
process.stderr.write = (chunk, ...rest) =>
  write(
    typeof chunk === "string" && chunk.startsWith("[startup]")
      ? chunk.replace(/\n$/, ` @cpu ${cpuMs()}\n`)
      : chunk,
    ...rest,
  );
process.on("exit", () => write(`[startup-cpu] exit @cpu ${cpuMs()}\n`));
