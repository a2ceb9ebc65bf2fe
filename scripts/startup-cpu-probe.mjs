// Preloaded (node --import) by scripts/bench-startup-ab.ts: adds to each TACIT_TRACE_STARTUP line the
// CPU time the process has used so far and the CPU time of the main thread alone ("@cpu 93.1 @main
// 80.2"; the model worker's share is the difference), and prints both at exit. CPU is steadier than
// wall time on a shared machine, and says what a change took off the thread rather than what it overlapped.
const write = process.stderr.write.bind(process.stderr);
const milliseconds = (usage) => ((usage.user + usage.system) / 1000).toFixed(1);
const stamp = () =>
  `@cpu ${milliseconds(process.cpuUsage())} @main ${milliseconds(process.threadCpuUsage())}`;
process.stderr.write = (chunk, ...rest) =>
  write(
    typeof chunk === "string" && chunk.startsWith("[startup]")
      ? chunk.replace(/\n$/, ` ${stamp()}\n`)
      : chunk,
    ...rest,
  );
process.on("exit", () => write(`[startup-cpu] exit ${stamp()}\n`));
