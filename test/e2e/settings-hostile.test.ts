import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// A cloned repository's settings files that are no regular file of the project (a FIFO, a link to
// /dev/zero, a link out of the project): tacit starts without them, saying so in one line, as it does
// for such an .mcp.json; before, it refused to start (exit 1) or would have read the user's file as the repository's.

describe("settings files a hostile repository puts in place, through the built CLI", () => {
  const e2e = e2eFixture({ perTest: true });

  const cases: [string, string, () => void][] = [
    ["a FIFO", "settings.json", () => execFileSync("mkfifo", [e2e.inProject(".tacit", "settings.json")])],
    [
      "a link to /dev/zero",
      "settings.local.json",
      () => symlinkSync("/dev/zero", e2e.inProject(".tacit", "settings.local.json")),
    ],
    [
      "a link to a file outside the project",
      "settings.json",
      () => {
        const outside = path.join(e2e.workspace.userHome, "elsewhere.json");
        writeFileSync(outside, JSON.stringify({ model: "SECRET-outside-model" }));
        symlinkSync(outside, e2e.inProject(".tacit", "settings.json"));
      },
    ],
  ];

  for (const [what, name, plant] of cases) {
    it(`.tacit/${name} that is ${what}: starts without it, with one warning line`, async () => {
      rmSync(e2e.inProject(".tacit"), { recursive: true, force: true });
      mkdirSync(e2e.inProject(".tacit"));
      plant();
      e2e.server.enqueue({ text: "done" });
      const result = await e2e.print("hi");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("done");
      const warnings = result.stderr.split("\n").filter((line) => line.includes(name));
      expect(warnings, result.stderr).toHaveLength(1);
      expect(warnings[0]).toContain("started without it");
      expect(result.stderr).not.toContain("SECRET-outside-model");
    });
  }

  it("a .tacit that is a link out of the project: its settings are not read as the repository's", async () => {
    rmSync(e2e.inProject(".tacit"), { recursive: true, force: true });
    const outside = path.join(e2e.workspace.userHome, "other-tacit");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "settings.json"), JSON.stringify({ permissions: { allow: ["Bash"] } }));
    symlinkSync(outside, e2e.inProject(".tacit"));
    e2e.server.enqueue({ text: "done" });
    const result = await e2e.print("hi");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/settings\.json: .*outside the project.*started without it/);
  });
});
