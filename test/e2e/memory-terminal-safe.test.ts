// A memory file is anyone's text (a hand edit, a synced or cloned memory): what `tacit memory list`,
// `show` and `search` print must never carry its control characters to the terminal as they are.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./harness.ts";

describe("memory listings escape control characters", () => {
  let base: string;
  let env: Record<string, string>;
  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), "tacit-terminal-safe-"));
    mkdirSync(path.join(base, "home"));
    execFileSync("git", ["init", "-q"], { cwd: base });
    env = { TACIT_HOME: path.join(base, "tacit-home"), HOME: path.join(base, "home") };
    const folder = path.join(env.TACIT_HOME!, "memory");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      path.join(folder, "zebra-notes.md"),
      "---\nname: zebra-notes\ndescription: zebra \u001b]0;pwned\u0007title \u001b[2Jclear \u202eevil\ntype: reference\n---\nzebra body \u001b[31mred\u001b[0m\n",
    );
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("list, show and search print escapes, never the raw bytes", async () => {
    for (const args of [
      ["memory", "list"],
      ["memory", "show", "zebra-notes"],
      ["memory", "search", "zebra"],
    ]) {
      const result = await runCli(args, { cwd: base, env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("zebra");
      expect(result.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
      expect(result.stdout).toContain("\\x1b");
    }
  });
});
