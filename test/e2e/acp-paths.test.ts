// tacit acp with an editor serving fs/read_text_file and fs/write_text_file: the editor is another
// process, so a path that means one file in tacit's process can mean another there
// (/proc/self/cwd/x is the editor's own folder). The gate judges the real path in tacit's
// process; the editor must be sent exactly that, and the question must name it. The built CLI,
// the real ACP SDK client (acp-client.ts, which reads and writes from this test's own process,
// whose cwd is not the project) and the fake model server.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { ClientCapabilities } from "@agentclientprotocol/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type AcpEditor, initializeParams, startAcpEditor } from "./acp-client.ts";
import { e2eFixture } from "./fixture.ts";

const EDITOR_FS: ClientCapabilities = { fs: { readTextFile: true, writeTextFile: true } };

describe("tacit acp sends the editor the real path the gate judged", () => {
  const e2e = e2eFixture({ perTest: true });
  const editors: AcpEditor[] = [];
  afterEach(async () => {
    e2e.server.onRequest(() => undefined);
    await Promise.all(editors.splice(0).map((editor) => editor.close()));
  });

  /** Starts tacit acp in the project, initializes with the editor's fs and opens a session. */
  const session = async (options: { args?: string[]; wire?: Parameters<typeof e2e.wire>[0] } = {}) => {
    const setup = options.wire ? e2e.wire(options.wire) : { model: e2e.model, env: e2e.env };
    const editor = startAcpEditor({
      cwd: e2e.workspace.project,
      env: setup.env,
      args: ["--model", setup.model, ...(options.args ?? [])],
    });
    editors.push(editor);
    await editor.connection.agent.request("initialize", initializeParams(EDITOR_FS));
    const { sessionId } = await editor.connection.agent.request("session/new", {
      cwd: e2e.workspace.project,
      mcpServers: [],
    });
    const prompt = (text: string) =>
      editor.connection.agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] });
    return { editor, prompt };
  };

  it("a Read or an @-mention of /proc/self/cwd/… reads the project's file through the editor, by its real path", async () => {
    mkdirSync(e2e.inProject(".aws"));
    const decoy = e2e.inProject(".aws", "credentials");
    writeFileSync(decoy, "PROJECT DECOY\n");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Read", input: { file_path: "/proc/self/cwd/.aws/credentials" } }] },
      { text: "read" },
      { text: "seen" },
    );
    const { editor, prompt } = await session();
    await prompt("read it");
    expect(editor.reads).toEqual([decoy]);
    expect(e2e.results()[0]!.output).toContain("PROJECT DECOY");
    // An @-mention is read the same way.
    await prompt("look at @/proc/self/cwd/.aws/credentials");
    expect(editor.reads).toEqual([decoy, decoy]);
    expect(JSON.stringify(e2e.server.requests.at(-1)!.normalized.messages.at(-1))).toContain("PROJECT DECOY");
  });

  it("a Write to /proc/self/cwd/… asks naming the real file, and the editor writes exactly it", async () => {
    const notes = e2e.inProject("notes.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: "/proc/self/cwd/notes.txt", content: "one\n" } }] },
      { text: "written" },
    );
    const { editor, prompt } = await session();
    await prompt("write it");
    expect(editor.permissionRequests).toHaveLength(1);
    const question = editor.permissionRequests[0]!.toolCall;
    expect(question.title).toBe("Edit notes.txt (given as /proc/self/cwd/notes.txt)");
    expect(question.locations).toEqual([{ path: notes }]);
    expect(editor.writes).toEqual([{ path: notes, content: "one\n" }]);
    // The finished call's diff names the real file too, not the model's text.
    const diffPaths = editor.updates.flatMap((notification) => {
      const update = notification.update as { content?: unknown };
      const content = Array.isArray(update.content)
        ? (update.content as { type: string; path?: string }[])
        : [];
      return content.filter((item) => item.type === "diff").map((item) => item.path);
    });
    expect(diffPaths).toEqual([notes]);
  });

  it("apply_patch's add and move go to the editor by real path too", async () => {
    writeFileSync(e2e.inProject("old.txt"), "before\n");
    e2e.server.enqueue(
      {
        toolCalls: [
          {
            name: "apply_patch",
            input: {
              input:
                "*** Begin Patch\n*** Add File: /proc/self/cwd/added.txt\n+added\n*** Update File: /proc/self/cwd/old.txt\n*** Move to: /proc/self/cwd/moved.txt\n@@\n-before\n+after\n*** End Patch",
            },
          },
        ],
      },
      { text: "patched" },
    );
    const { editor, prompt } = await session({
      wire: "openai-responses",
      args: ["--permission-mode", "accept-edits"],
    });
    await prompt("patch it");
    expect(editor.writes).toEqual([
      { path: e2e.inProject("added.txt"), content: "added\n" },
      { path: e2e.inProject("moved.txt"), content: "after\n" },
    ]);
    expect(editor.reads).toEqual([e2e.inProject("added.txt"), e2e.inProject("old.txt")]);
  });

  it("allow always on a file named `*` saves a rule for that name only: the next Write is asked about", async () => {
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: e2e.inProject("*"), content: "star\n" } }] },
      { text: "first" },
      { toolCalls: [{ name: "Write", input: { file_path: e2e.inProject("zz.txt"), content: "zz\n" } }] },
      { text: "second" },
    );
    const { editor, prompt } = await session();
    editor.answer((request) => ({
      outcome: {
        outcome: "selected",
        optionId: request.options.find((option) => option.kind === "allow_always")!.optionId,
      },
    }));
    await prompt("write the star");
    await prompt("write zz");
    expect(editor.permissionRequests.map((request) => request.options[1]!.name)).toEqual([
      "Always allow Edit(/\\*)",
      "Always allow Edit(/zz.txt)",
    ]);
    const local = JSON.parse(readFileSync(e2e.inProject(".tacit", "settings.local.json"), "utf8"));
    expect(local.permissions.allow).toEqual(["Edit(/\\*)", "Edit(/zz.txt)"]);
  });
});
