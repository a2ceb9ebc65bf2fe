// Reflection runs the doctor's duplicate check before it adds a memory: a near-copy of one already
// kept is refused, naming that memory, and the model updates it instead.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { createLinterMemory, isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });

describe("reflection and the duplicate check", () => {
  it("a reflection creating a near-copy updates the existing memory instead", async () => {
    const { server } = e2e;
    const userFolder = path.join(e2e.workspace.home, "memory");
    const remembered = await e2e.run([
      "remember",
      "--scope",
      "user",
      "--name",
      "lint-before-commit",
      "Run npm run lint before every commit, then fix and commit.",
    ]);
    expect(remembered.code).toBe(0);
    server.enqueue({ text: "Committed." });
    const session = await e2e.print("commit the fix", ["--output-format", "json"]);
    const sessionId = JSON.parse(session.stdout).session_id as string;

    server.enqueue(
      createLinterMemory,
      {
        toolCalls: [
          {
            name: "memory",
            input: {
              command: "str_replace",
              path: "/memories/user/lint-before-commit.md",
              old_str: "---\n\nRun npm run lint",
              new_str: "---\n\nThe user asked for this after a failed build. Run npm run lint",
            },
          },
        ],
      },
      { text: "updated lint-before-commit" },
    );
    const reflected = await e2e.run(["reflect", "--session", sessionId]);
    expect(reflected.code).toBe(0);

    const reflection = server.requests.filter(isReflection);
    expect(reflection).toHaveLength(3);
    const refused = reflection[1]!.normalized.messages.flatMap((message) => message.toolResults);
    expect(refused.at(-1)!.isError).toBe(true);
    expect(refused.at(-1)!.output).toContain("/memories/user/lint-before-commit.md already covers this");
    expect(readdirSync(userFolder).filter((name) => name.endsWith(".md"))).toEqual(["lint-before-commit.md"]);
    expect(readFileSync(path.join(userFolder, "lint-before-commit.md"), "utf8")).toContain(
      "The user asked for this after a failed build.",
    );
  });
});
