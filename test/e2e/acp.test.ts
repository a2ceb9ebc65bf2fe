import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { ClientCapabilities, SessionUpdate } from "@agentclientprotocol/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { type AcpEditor, chunkText, initializeParams, startAcpEditor } from "./acp-client.ts";
import { e2eFixture } from "./fixture.ts";

describe("tacit acp, driven by the ACP SDK's client", () => {
  const e2e = e2eFixture({ perTest: true });
  const editors: AcpEditor[] = [];
  afterEach(async () => {
    e2e.server.onRequest(() => undefined);
    await Promise.all(editors.splice(0).map((editor) => editor.close()));
  });

  const start = (args: string[] = []) => {
    const editor = startAcpEditor({
      cwd: e2e.workspace.project,
      env: e2e.env,
      args: ["--model", e2e.model, ...args],
    });
    editors.push(editor);
    return editor;
  };
  /** initialize (with these client capabilities), then session/new in the project: the session's id. */
  const newSession = async (editor: AcpEditor, capabilities: ClientCapabilities = {}) => {
    await editor.connection.agent.request("initialize", initializeParams(capabilities));
    const created = await editor.connection.agent.request("session/new", {
      cwd: e2e.workspace.project,
      mcpServers: [],
    });
    return created.sessionId;
  };
  const prompt = (editor: AcpEditor, sessionId: string, text: string) =>
    editor.connection.agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] });
  const updatesOf = (editor: AcpEditor, kind: string): SessionUpdate[] =>
    editor.updates
      .map((notification) => notification.update)
      .filter((update) => update.sessionUpdate === kind);

  it("initializes, then a prompt streams text, thought, a plan and an edit the user is asked about", async () => {
    const target = e2e.inProject("hello.txt");
    e2e.server.enqueue(
      {
        reasoning: "The user wants a greeting file.",
        text: "Writing it now.",
        toolCalls: [
          {
            name: "TodoWrite",
            input: { todos: [{ content: "Write hello.txt", status: "in_progress", activeForm: "Writing" }] },
          },
          { name: "Write", input: { file_path: target, content: "hello\n" } },
        ],
      },
      { text: "Done: hello.txt says hello." },
    );
    const editor = start();
    const agent = editor.connection.agent;
    const initialized = await agent.request("initialize", initializeParams());
    expect(initialized.protocolVersion).toBe(1);
    expect(initialized.agentCapabilities?.loadSession).toBe(true);
    expect(initialized.authMethods).toEqual([]);
    const created = await agent.request("session/new", { cwd: e2e.workspace.project, mcpServers: [] });
    expect(created.modes?.currentModeId).toBe("default");
    expect(created.modes?.availableModes.map((mode) => mode.id)).toEqual(["default", "accept-edits", "plan"]);

    const answer = await agent.request("session/prompt", {
      sessionId: created.sessionId,
      prompt: [{ type: "text", text: "write a greeting file" }],
    });
    expect(answer.stopReason).toBe("end_turn");
    expect(chunkText(editor.updates, "agent_message_chunk")).toContain("Writing it now.");
    expect(chunkText(editor.updates, "agent_message_chunk")).toContain("Done: hello.txt says hello.");
    expect(chunkText(editor.updates, "agent_thought_chunk")).toContain("greeting file");
    expect(updatesOf(editor, "plan")).toEqual([
      expect.objectContaining({
        entries: [{ content: "Write hello.txt", priority: "medium", status: "in_progress" }],
      }),
    ]);

    // Asked exactly once, for the edit, with the gate's three answers; the test editor allowed it once.
    expect(editor.permissionRequests).toHaveLength(1);
    const question = editor.permissionRequests[0]!;
    expect(question.options.map((option) => option.kind)).toEqual([
      "allow_once",
      "allow_always",
      "reject_once",
    ]);
    expect(question.toolCall.kind).toBe("edit");
    const writeCall = updatesOf(editor, "tool_call").find(
      (update) => "kind" in update && update.kind === "edit",
    );
    expect(writeCall).toMatchObject({ status: "pending", locations: [{ path: target }] });
    expect(question.toolCall.toolCallId).toBe((writeCall as { toolCallId: string }).toolCallId);
    const finished = updatesOf(editor, "tool_call_update").find(
      (update) =>
        "toolCallId" in update &&
        update.toolCallId === question.toolCall.toolCallId &&
        update.status === "completed",
    );
    expect(finished).toMatchObject({ content: [{ type: "diff", path: target, newText: "hello\n" }] });
    expect(readFileSync(target, "utf8")).toBe("hello\n");
    // Nothing but JSON-RPC on stdout, one message a line.
    const lines = editor.stdoutLines();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  });

  it("a rejected question keeps the edit from running, and the model is told", async () => {
    const target = e2e.inProject("refused.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "no\n" } }] },
      { text: "ok" },
    );
    const editor = start();
    editor.answer(() => ({ outcome: { outcome: "selected", optionId: "reject" } }));
    const sessionId = await newSession(editor);
    const answer = await prompt(editor, sessionId, "write");
    expect(answer.stopReason).toBe("end_turn");
    expect(existsSync(target)).toBe(false);
    expect(e2e.results()[0]!.output).toMatch(/denied/i);
  });

  it("a prompt's @-mention and embedded file reach the model as text; an image is refused in one line", async () => {
    const mentioned = e2e.inProject("src", "main.ts");
    e2e.server.enqueue({ text: "seen" });
    const editor = start();
    const sessionId = await newSession(editor);
    const answer = await editor.connection.agent.request("session/prompt", {
      sessionId,
      prompt: [
        { type: "text", text: "compare these" },
        { type: "resource_link", name: "main.ts", uri: `file://${mentioned}` },
        { type: "resource", resource: { uri: "file:///tmp/draft.md", text: "an unsaved draft" } },
      ],
    });
    expect(answer.stopReason).toBe("end_turn");
    const sent = e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text;
    expect(sent).toContain("compare these");
    expect(sent).toContain(`@${mentioned}`);
    expect(sent).toContain('<file path="/tmp/draft.md">\nan unsaved draft\n</file>');
    await expect(
      editor.connection.agent.request("session/prompt", {
        sessionId,
        prompt: [{ type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" }],
      }),
    ).rejects.toThrow(/tacit does not take image content in a prompt/);
  });

  it("allow always saves the gate's rule as the TUI does, and the same edit is not asked about again", async () => {
    const target = e2e.inProject("again.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "one\n" } }] },
      { text: "first" },
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "two\n" } }] },
      { text: "second" },
    );
    const editor = start();
    editor.answer(() => ({ outcome: { outcome: "selected", optionId: "allow-always" } }));
    const sessionId = await newSession(editor);
    await prompt(editor, sessionId, "write once");
    await prompt(editor, sessionId, "write again");
    expect(editor.permissionRequests).toHaveLength(1);
    expect(readFileSync(target, "utf8")).toBe("two\n");
    const local = JSON.parse(readFileSync(e2e.inProject(".tacit", "settings.local.json"), "utf8"));
    const saved = editor.permissionRequests[0]!.options.find((option) => option.kind === "allow_always")!;
    expect(local.permissions.allow).toEqual([saved.name.replace("Always allow ", "")]);
  });

  it("session/cancel stops a turn whose model answer is held; the prompt answers cancelled and the session goes on", async () => {
    let release: () => void = () => undefined;
    e2e.server.onRequest(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ text: "too late" });
        }),
    );
    const editor = start();
    const agent = editor.connection.agent;
    const sessionId = await newSession(editor);
    const pending = prompt(editor, sessionId, "take your time");
    await until(() => e2e.server.requests.length > 0);
    await agent.notify("session/cancel", { sessionId });
    expect((await pending).stopReason).toBe("cancelled");
    release();

    e2e.server.onRequest(() => undefined);
    e2e.server.enqueue({ text: "back again" });
    const next = await prompt(editor, sessionId, "still there?");
    expect(next.stopReason).toBe("end_turn");
    expect(chunkText(editor.updates, "agent_message_chunk")).toContain("back again");
  });

  it("session/cancel during a command kills it: no process outlives the turn", async () => {
    // A duration no other process on the machine uses, so pgrep finds only this command.
    const marker = `sleep 4${process.pid % 1000}.5`;
    // One reply only: the turn is cancelled before it asks for another (a queued one would pass to the next test).
    e2e.server.enqueue({ toolCalls: [{ name: "Bash", input: { command: marker } }] });
    // Bypass: the command runs without a question (and bypass is offered, since the user chose it).
    const editor = start(["--permission-mode", "bypass"]);
    const sessionId = await newSession(editor);
    const pending = prompt(editor, sessionId, "wait a while");
    await until(() => running(marker));
    await editor.connection.agent.notify("session/cancel", { sessionId });
    expect((await pending).stopReason).toBe("cancelled");
    await until(() => !running(marker));
    expect(running(marker)).toBe(false);
  });

  it("session/load of an earlier session replays its conversation, and the model sees it on the next prompt", async () => {
    e2e.server.enqueue(
      { text: "Listing.", toolCalls: [{ name: "LS", input: { path: e2e.workspace.project } }] },
      { text: "The word is zebra." },
    );
    const first = start();
    const sessionId = await newSession(first);
    await prompt(first, sessionId, "remember zebra");
    expect(await first.close()).toBe(0);

    const second = start();
    await second.connection.agent.request("initialize", initializeParams());
    const loaded = await second.connection.agent.request("session/load", {
      sessionId,
      cwd: e2e.workspace.project,
      mcpServers: [],
    });
    expect(loaded.modes?.currentModeId).toBe("default");
    // Replayed before the load's answer, in order: the user's words (not the recall tacit added), the tool call, the answer.
    const kinds = second.updates.map((notification) => notification.update.sessionUpdate);
    expect(kinds).toEqual([
      "user_message_chunk",
      "agent_message_chunk",
      "tool_call",
      "tool_call_update",
      "agent_message_chunk",
    ]);
    expect(chunkText(second.updates, "user_message_chunk")).toBe("remember zebra");
    expect(chunkText(second.updates, "agent_message_chunk")).toBe("Listing.The word is zebra.");
    expect(updatesOf(second, "tool_call")[0]).toMatchObject({ kind: "search" });
    expect(updatesOf(second, "tool_call_update")[0]).toMatchObject({ status: "completed" });

    e2e.server.enqueue({ text: "Still zebra." });
    await prompt(second, sessionId, "which word?");
    const sent = e2e.server.requests
      .at(-1)!
      .normalized.messages.map((message) => message.text)
      .join("\n");
    expect(sent).toContain("remember zebra");
    expect(sent).toContain("The word is zebra.");
  });

  it("with the editor's fs, the tools read its unsaved buffer and write through it, not to the disk", async () => {
    const notes = e2e.inProject("notes.txt");
    writeFileSync(notes, "saved on disk\n");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Read", input: { file_path: notes } }] },
      {
        toolCalls: [
          { name: "Edit", input: { file_path: notes, old_string: "unsaved", new_string: "edited" } },
        ],
      },
      { text: "edited" },
    );
    const requestsBefore = e2e.server.requests.length;
    const editor = start();
    editor.buffers.set(notes, "unsaved in the editor\n");
    const agent = editor.connection.agent;
    const sessionId = await newSession(editor, { fs: { readTextFile: true, writeTextFile: true } });
    await agent.request("session/set_mode", { sessionId, modeId: "accept-edits" });
    await prompt(editor, sessionId, "edit the notes");

    const readResult = e2e.server.requests[requestsBefore + 1]!.normalized.messages.flatMap(
      (message) => message.toolResults,
    )[0]!;
    expect(readResult.output).toContain("unsaved in the editor");
    expect(readResult.output).not.toContain("saved on disk");
    expect(editor.writes).toEqual([{ path: notes, content: "edited in the editor\n" }]);
    expect(readFileSync(notes, "utf8")).toBe("saved on disk\n");
    const diff = updatesOf(editor, "tool_call_update").find(
      (update) =>
        "status" in update &&
        update.status === "completed" &&
        "content" in update &&
        update.content?.[0]?.type === "diff",
    );
    expect(diff).toMatchObject({
      content: [
        { type: "diff", path: notes, oldText: "unsaved in the editor\n", newText: "edited in the editor\n" },
      ],
    });
  });

  it("set_mode to plan refuses an edit without asking; an unknown mode is one clear JSON-RPC error", async () => {
    const target = e2e.inProject("planned.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "x\n" } }] },
      { text: "planned" },
    );
    const editor = start();
    const agent = editor.connection.agent;
    const sessionId = await newSession(editor);
    await expect(agent.request("session/set_mode", { sessionId, modeId: "bypass" })).rejects.toThrow(
      /no mode "bypass" in this session/,
    );
    await agent.request("session/set_mode", { sessionId, modeId: "plan" });
    await prompt(editor, sessionId, "write it");
    expect(editor.permissionRequests).toEqual([]);
    expect(existsSync(target)).toBe(false);
    expect(updatesOf(editor, "tool_call_update")[0]).toMatchObject({ status: "failed" });
    expect(e2e.results()[0]!.output).toMatch(/plan mode/i);
    await expect(
      agent.request("session/prompt", {
        sessionId: "no-such-session",
        prompt: [{ type: "text", text: "hi" }],
      }),
    ).rejects.toThrow(/no session no-such-session/);
    await expect(
      agent.request("session/load", {
        sessionId: "no-such-session",
        cwd: e2e.workspace.project,
        mcpServers: [],
      }),
    ).rejects.toThrow(/^No session matches "no-such-session"$/);
  });

  it("session/new with a relative cwd or one that is no folder is invalid params, and no session is stored", async () => {
    const editor = start();
    const agent = editor.connection.agent;
    await agent.request("initialize", initializeParams({}));
    const missing = e2e.inProject("no-such-folder");
    for (const [cwd, problem] of [
      ["project", "is not an absolute path"],
      [missing, "is not an existing folder"],
      [e2e.inProject(".git", "HEAD"), "is not an existing folder"],
    ]) {
      const refused = agent.request("session/new", { cwd: cwd!, mcpServers: [] });
      await expect(refused).rejects.toMatchObject({ code: -32602 });
      await expect(refused).rejects.toThrow(`cwd ${JSON.stringify(cwd)} ${problem}`);
    }
    await expect(
      agent.request("session/load", { sessionId: "x", cwd: "rel", mcpServers: [] }),
    ).rejects.toMatchObject({
      code: -32602,
    });
    expect(existsSync(missing)).toBe(false);
    expect((await e2e.run(["sessions", "list", "--all"])).stdout).toMatch(/No sessions yet/);
  });
});

function running(command: string): boolean {
  try {
    execFileSync("pgrep", ["-f", command], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
