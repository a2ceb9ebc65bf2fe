import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const PNPM_MEMORY = `---
name: use-pnpm
description: this project uses pnpm, never npm
type: project
---
We use pnpm here, never npm: install packages with \`pnpm add\`.
**Why:** the lockfile is pnpm-lock.yaml.
**How to apply:** every install command.`;

const e2e = e2eFixture();

describe("a resumed session sends the model the history it answered", () => {
  it("the earlier user message goes again with the context recalled for it, on --continue and --resume", async () => {
    const { server, workspace } = e2e;
    const folder = path.join(workspace.project, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "use-pnpm.md"), PNPM_MEMORY);
    const run = (args: string[]) => e2e.run([...args, "--model", e2e.model, "--output-format", "json"]);

    server.enqueue({ text: "I'll run pnpm add lodash." });
    const first = await run(["-p", "install the lodash package"]);
    expect(first.code).toBe(0);
    const firstRequest = server.requests.at(-1)!.normalized;
    const answered = firstRequest.messages.at(-1)!;
    expect(answered.role).toBe("user");
    expect(answered.text).toContain("install the lodash package");
    // Recalled for that turn: the memory rode with the user's message.
    expect(answered.text).toContain("install packages with `pnpm add`");
    const sessionId = JSON.parse(first.stdout).session_id as string;

    for (const resume of [["--continue"], ["--resume", sessionId]]) {
      server.enqueue({ text: "Done." });
      const next = await run(["-p", "thanks", ...resume]);
      expect(next.code).toBe(0);
      expect(JSON.parse(next.stdout).session_id).toBe(sessionId);
      const resumed = server.requests.at(-1)!.normalized.messages;
      // Exactly what the model was sent the first time, recalled context included, then its answer.
      expect(resumed[0]).toEqual(answered);
      expect(resumed[1]).toMatchObject({ role: "assistant", text: "I'll run pnpm add lodash." });
    }
    expect(server.errors).toEqual([]);

    // What the user said is what the session shows: the recalled text is not part of it.
    const shown = await e2e.run(["sessions", "show", sessionId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("install the lodash package");
    expect(shown.stdout).not.toContain("recalled-memory");
  });
});
