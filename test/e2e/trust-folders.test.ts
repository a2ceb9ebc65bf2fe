// Trust covers what a repository's hook reaches through a glob or a folder it runs: the built CLI
// against the fake model server, with real scripts the hooks run. After `tacit trust`, a script
// added to the glob's folder, or a changed file of the folder `node` runs, untrusts the repository,
// so the changed code does not run until the user looks again.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

describe("trust covers scripts a hook reaches through a glob or a folder", () => {
  const e2e = e2eFixture({ perTest: true });

  function write(relative: string, content: string): void {
    const file = e2e.inProject(relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const sessionStartHook = (command: string) =>
    write(
      ".tacit/settings.json",
      JSON.stringify({ hooks: { SessionStart: [{ hooks: [{ type: "command", command }] }] } }),
    );
  const marker = (name: string) => path.join(e2e.workspace.userHome, name);
  const run = async () => {
    e2e.server.enqueue({ text: "hi" });
    const result = await e2e.print("hello");
    expect(result.code, result.stderr).toBe(0);
    return result;
  };

  it("a hook looping over .tacit/hooks/*.sh: a script added after trust does not run", async () => {
    write(".tacit/hooks/a.sh", `touch "${marker("a-ran")}"\n`);
    sessionStartHook('for f in "$CLAUDE_PROJECT_DIR"/.tacit/hooks/*.sh; do sh "$f"; done');
    const trust = await e2e.run(["trust"]);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toContain("every file under .tacit/hooks/");
    await run();
    expect(existsSync(marker("a-ran"))).toBe(true);

    write(".tacit/hooks/b.sh", `touch "${marker("b-ran")}"\n`);
    const changed = await run();
    expect(changed.stderr).toMatch(/skipped this repository's 1 hook \(SessionStart\).*changed since/);
    expect(existsSync(marker("b-ran"))).toBe(false);
  });

  it("a hook running `node ./tool`: a changed file of the folder does not run", async () => {
    write("tool/index.js", "require('./lib.js');\n");
    write("tool/lib.js", `require('node:fs').writeFileSync(${JSON.stringify(marker("tool-ran"))}, '');\n`);
    sessionStartHook("node ./tool");
    expect((await e2e.run(["trust"])).code).toBe(0);
    await run();
    expect(existsSync(marker("tool-ran"))).toBe(true);

    write("tool/lib.js", `require('node:fs').writeFileSync(${JSON.stringify(marker("changed-ran"))}, '');\n`);
    const changed = await run();
    expect(changed.stderr).toMatch(/skipped this repository's 1 hook \(SessionStart\).*changed since/);
    expect(existsSync(marker("changed-ran"))).toBe(false);
  });
});
