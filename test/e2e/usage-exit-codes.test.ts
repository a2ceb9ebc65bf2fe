// A bad value for an option is a usage error: one line and exit 2, whichever check found it (the
// option parser's list of choices or tacit's own check), as for a mistyped command. A run that went
// wrong exits 1.
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

describe("a bad option value", () => {
  const e2e = e2eFixture();

  it.each([
    [["-p", "hi", "--permission-mode", "nope"], /--permission-mode must be one of/],
    [["-p", "hi", "--max-turns", "0"], /--max-turns must be a whole number/],
    [["-p", "hi", "--effort", "bogus"], /'bogus' is invalid/],
    [["-p", "hi", "--output-format", "xml"], /'xml' is invalid/],
    [["memory", "export", "-s", "nope", "out"], /unknown memory scope "nope"/],
    [["memory", "log", "-n", "0"], /-n must be a whole number|whole number/],
    [["sessions", "list", "--limit", "0"], /--limit must be a whole number/],
    [["memory", "ui", "--no-open", "--port", "http"], /--port must be a whole number/],
    [["learn", "--from", "nope"], /'nope' is invalid/],
  ])("tacit %j: one line, exit 2", async (args, message) => {
    const run = await e2e.run(args as string[]);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(run.code).toBe(2);
  });
});
