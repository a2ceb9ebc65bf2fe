// A call refused in headless mode is said once on stderr, whole: its end is
// the --allowed-tools rule that would allow it, which used to be cut off.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { serverAndWorkspaceForFile } from "./fixture.ts";
import { runCli, wireSetup } from "./harness.ts";

const fixture = serverAndWorkspaceForFile();

describe("headless refusals", () => {
  it("are printed once, with the whole suggested rule", async () => {
    const setup = wireSetup("anthropic", fixture.server.url, fixture.workspace);
    // Inside the sandbox an uncovered command would just run; this is about one that asks.
    mkdirSync(fixture.workspace.home, { recursive: true });
    writeFileSync(
      path.join(fixture.workspace.home, "settings.json"),
      JSON.stringify({ sandbox: { autoAllow: false } }),
    );
    const command = `rm -f build/output-of-a-rather-long-generated-artifact-name-${"x".repeat(40)}.txt`;
    fixture.server.enqueue(
      { toolCalls: [{ name: "Bash", input: { command } }] },
      { text: "Could not remove it." },
    );
    const result = await runCli(["-p", "clean up", "--model", setup.model], {
      cwd: fixture.workspace.project,
      env: setup.env,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Could not remove it.\n");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tacit: Bash not permitted: run `rm -f build\/output-of-a/);
    expect(lines[0]).toContain(command);
    // The suggestion is whole, so it can be pasted (whatever rule the gate suggests, both spellings agree).
    const suggestion =
      /--allowed-tools '(Bash\([^']+\))' or add "([^"]+)" to permissions\.allow in settings\.$/.exec(
        lines[0]!,
      );
    expect(suggestion).not.toBeNull();
    expect(suggestion![2]).toBe(suggestion![1]);
    // The model was told too.
    const refusal = fixture.server.requests
      .at(-1)!
      .normalized.messages.flatMap((message) => message.toolResults)[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain(`--allowed-tools '${suggestion![1]}'`);
  });
});
