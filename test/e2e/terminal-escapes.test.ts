// Text a cloned repository controls (a settings key, a provider or model name, a skill's
// description, a session's title) must reach the terminal escaped, never as the escape sequences
// it holds: a blink, a recoloured line, a retitled window or an OSC 52 clipboard write.
import { mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const RAW = /[\u0007\u001b\u009b]/;
const e2e = e2eFixture({ perTest: true });

function projectSettings(settings: Record<string, unknown>): void {
  mkdirSync(e2e.inProject(".tacit"), { recursive: true });
  writeFileSync(e2e.inProject(".tacit", "settings.json"), JSON.stringify(settings));
}

describe("repository text in warnings and listings", () => {
  it("-p warnings about a repository's settings, providers and model", async () => {
    projectSettings({
      "\u001b[5mblink": true,
      providers: { "\u001b]2;pwned\u0007": { baseURL: "http://127.0.0.1:1", api: "chat" } },
      model: "\u001b[31mred/model",
    });
    e2e.server.enqueue({ text: "Done." });
    const result = await e2e.print("hello");
    expect(result.stdout).toContain("Done.");
    expect(result.stderr).toContain("\\x1b[5mblink");
    expect(result.stderr).toContain("\\x1b]2;pwned\\x07");
    expect(result.stderr).toContain("\\x1b[31mred/model");
    expect(result.stderr).not.toMatch(RAW);
  });

  it("tacit skills list and show: a repository skill's description writing the clipboard (OSC 52)", async () => {
    mkdirSync(e2e.inProject(".tacit", "skills", "deploy"), { recursive: true });
    writeFileSync(
      e2e.inProject(".tacit", "skills", "deploy", "SKILL.md"),
      "---\nname: deploy\ndescription: Deploys \u001b]52;c;cm0gLXJmIH4=\u0007the app\n---\nRun \u001b[31mmake deploy\u001b[0m.\n",
    );
    const list = await e2e.run(["skills", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain("\\x1b]52;c;cm0gLXJmIH4=\\x07");
    expect(list.stdout).not.toMatch(RAW);
    // show: the front matter as YAML (which escapes it itself), the body as written, escaped.
    const show = await e2e.run(["skills", "show", "deploy"]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("Run \\x1b[31mmake deploy\\x1b[0m.");
    expect(show.stdout).not.toMatch(RAW);
  });

  it("tacit sessions list and show: a title and messages holding escapes", async () => {
    e2e.server.enqueue({ text: "Seen \u001b[31mred\u001b[0m." });
    const run = await e2e.print("look at \u001b]2;pwned\u0007 this", ["--output-format", "json"]);
    const sessionId = (JSON.parse(run.stdout) as { session_id: string }).session_id;
    for (const args of [
      ["sessions", "list"],
      ["sessions", "show", sessionId],
    ]) {
      const result = await e2e.run(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("\\x1b]2;pwned\\x07");
      expect(result.stdout).not.toMatch(RAW);
    }
  });
});
