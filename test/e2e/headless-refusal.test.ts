// A call refused in headless mode is said once on stderr, whole: its end is
// the --allowed-tools rule that would allow it, which used to be cut off.
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// Inside the sandbox an uncovered command would just run; this is about one that asks.
const e2e = e2eFixture({ userSettings: { sandbox: { autoAllow: false } } });

describe("headless refusals", () => {
  it("are printed once, with the whole suggested rule", async () => {
    const command = `rm -f build/output-of-a-rather-long-generated-artifact-name-${"x".repeat(40)}.txt`;
    e2e.server.enqueue(
      { toolCalls: [{ name: "Bash", input: { command } }] },
      { text: "Could not remove it." },
    );
    const result = await e2e.print("clean up");
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
    const refusal = e2e.results()[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain(`--allowed-tools '${suggestion![1]}'`);
  });
});
