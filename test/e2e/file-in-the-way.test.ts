// A file where tacit needs a folder (an export's target, tacit's own home) is said in one line that
// names the path and the cause, not Node's "ENOTDIR: not a directory, mkdir '…'".
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

describe("a file where tacit needs a folder", () => {
  const e2e = e2eFixture();

  it("memory export into a file: one line naming the file", async () => {
    writeFileSync(e2e.inProject("a.txt"), "notes\n");
    const run = await e2e.run(["memory", "export", "a.txt"]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/ENOTDIR|EEXIST/);
    expect(lines[0]).toContain(`${e2e.inProject("a.txt")} is a file, not a folder`);
  });

  it("tacit's home being a file: one line naming it", async () => {
    const home = path.join(e2e.workspace.userHome, "tacit-home-file");
    writeFileSync(home, "");
    for (const args of [
      ["memory", "list"],
      ["-p", "hi", "--model", e2e.model],
    ]) {
      const run = await e2e.run(args, { env: { TACIT_HOME: home } });
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toMatch(/ENOTDIR|EEXIST/);
      expect(lines[0]).toContain(`${home} is a file, not a folder`);
    }
  });
});
