// `model:` in a custom command file, as Claude Code writes it (an alias or a bare dated id), through
// the built CLI: it resolves as a subagent's does (providers/named-model.ts), and a model that cannot
// run is one line that names no --model flag the user never passed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });

/** The user's own command (~/.claude/commands): a repository's command may not pick the model at all. */
function command(name: string, model: string): void {
  const folder = path.join(e2e.workspace.userHome, ".claude", "commands");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, `${name}.md`),
    `---\ndescription: ${name}\nmodel: ${model}\n---\n${name} $1\n`,
  );
}
/** The model the last chat request asked for. */
const lastModel = () =>
  (e2e.server.requests.filter((request) => request.wire === "anthropic").at(-1)?.body as { model?: string })
    ?.model;

describe("a custom command's model in Claude Code's spelling", () => {
  it("runs `model: haiku` on the newest Haiku at the current provider", async () => {
    command("quick", "haiku");
    e2e.server.enqueue({ text: "quick answer" });
    const result = await e2e.print("/quick x");
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("quick answer\n");
    expect(lastModel()).toBe("claude-haiku-4-5");
  });

  it("runs a bare dated id at the provider of its family", async () => {
    command("dated", "claude-haiku-4-5-20251001");
    e2e.server.enqueue({ text: "dated answer" });
    const result = await e2e.print("/dated x");
    expect(result.stderr).toBe("");
    expect(lastModel()).toBe("claude-haiku-4-5-20251001");
  });

  it("says in one line, without a --model flag, when the named model cannot run", async () => {
    command("gpt", "gpt-5.5");
    e2e.server.enqueue({ text: "fallback answer" });
    const result = await e2e.print("/gpt x", [], { env: { OPENAI_API_KEY: "" } });
    expect(result.stderr.trim()).toBe(
      "tacit: /gpt names the model gpt-5.5, which is not available (no API key for openai: set OPENAI_API_KEY); using anthropic/claude-sonnet-5",
    );
    expect(lastModel()).toBe("claude-sonnet-5");
  });
});
