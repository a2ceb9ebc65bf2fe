import { type ChildProcess, spawn } from "node:child_process";

/**
 * Starts a process that swaps `file` between a link to `target` and a plain file holding
 * `plain line`, as fast as it can, until killed: the race a sandboxed command can run against a
 * tool call between the permission gate's check and the tool's open.
 */
export function startLinkSwapper(file: string, target: string): ChildProcess {
  const loop = `
    const fs = require("node:fs");
    const [file, target] = process.argv.slice(1);
    for (;;) {
      try { fs.rmSync(file, { force: true }); fs.symlinkSync(target, file); } catch {}
      try { fs.rmSync(file, { force: true }); fs.writeFileSync(file, "plain line\\n"); } catch {}
    }`;
  return spawn(process.execPath, ["-e", loop, file, target], { stdio: "ignore" });
}
