// The @mentions of a repository's command body, through the real attachment source and the
// real permission gate with an interactive prompt that records every question: they attach only
// files inside the project, never ask, and outside ones stay text; what the user typed in the
// command's arguments, and a user's own command, are judged as the user's typing.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  attachmentSource,
  type RepositoryMentions,
} from "../../../src/agent/attachments/attachment-source.ts";
import {
  createPermissionGate,
  type PermissionAnswer,
  type PermissionRequest,
} from "../../../src/agent/permission-gate.ts";
import { userMessage } from "../../../src/core/messages.ts";
import type { ModelInfo } from "../../../src/core/model.ts";
import { newToolSessionState } from "../../../src/core/tool.ts";

let base: string;
let project: string;
let home: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), "tacit-repo-mentions-")));
  project = path.join(base, "project");
  home = path.join(base, "home");
  mkdirSync(project);
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  writeFileSync(path.join(project, "notes.txt"), "project notes\n");
  writeFileSync(path.join(project, "asked.txt"), "ask before reading\n");
  writeFileSync(path.join(home, ".ssh", "id_rsa"), "PRIVATE KEY\n");
  writeFileSync(path.join(home, "mine.txt"), "the user's own file\n");
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** Gathers the prompt's attachments in an interactive session whose prompt says yes and records each question. */
async function gather(prompt: string, repositoryMentions?: RepositoryMentions) {
  const questions: PermissionRequest[] = [];
  const gate = createPermissionGate({
    mode: "default",
    rules: { allow: [], deny: [], ask: ["Read(./asked.txt)"] },
    projectRoot: project,
    home,
    ask: async (request): Promise<PermissionAnswer> => {
      questions.push(request);
      return { decision: "allow-once" };
    },
  });
  const source = attachmentSource({
    cwd: project,
    projectRoot: project,
    gate,
    state: newToolSessionState(),
    model: () => ({ ref: "faux/test", acceptsImages: false }) as ModelInfo,
    ...(repositoryMentions ? { repositoryMentions } : {}),
  });
  const gathered = await source.gather(userMessage(prompt), new AbortController().signal);
  const notices = (gathered.events ?? []).map((event) => (event.type === "notice" ? event.text : ""));
  return { text: gathered.text ?? "", notices, questions };
}

const body = () => `Summarise. @notes.txt @asked.txt @${path.join(home, ".ssh", "id_rsa")}`;

describe("a repository's command body's @mentions", () => {
  it("attach only files inside the project the gate allows unasked; the rest stay text, and nothing asks", async () => {
    const { text, notices, questions } = await gather(body(), { userTyped: new Set() });
    expect(questions).toEqual([]);
    expect(text).toContain("project notes");
    expect(text).not.toContain("ask before reading");
    expect(text).not.toContain("PRIVATE KEY");
    expect(notices).toContain(
      `Not attached: @${path.join(home, ".ssh", "id_rsa")} (a repository's command may attach only files inside the project).`,
    );
    expect(notices.some((notice) => notice.startsWith("Not attached: @asked.txt"))).toBe(true);
  });

  it("leave what the user typed in the arguments to the gate, as the user's own typing", async () => {
    const mine = path.join(home, "mine.txt");
    const { text, questions } = await gather(`${body()}\n\nARGUMENTS: @${mine}`, {
      userTyped: new Set([mine]),
    });
    expect(questions.map((question) => question.toolName)).toEqual(["Read"]);
    expect(text).toContain("the user's own file");
    expect(text).not.toContain("PRIVATE KEY");
  });

  it("are the user's typing in the user's own command: the gate asks as usual", async () => {
    const { text, questions } = await gather(body());
    expect(questions).toHaveLength(2);
    expect(text).toContain("ask before reading");
    expect(text).toContain("PRIVATE KEY");
  });
});
