import { type ChildProcess, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startLinkSwapper } from "../support/link-swapper.ts";
import { type AcpEditor, initializeParams, startAcpEditor } from "./acp-client.ts";
import { e2eFixture } from "./fixture.ts";

/**
 * A sandboxed command may swap a project file for a link between the permission gate's check and
 * the tool's open (the gate judges where the path leads; a tool that opens it again follows whatever
 * is there then). Here a loop the test starts swaps `x` while the built CLI's model reads or writes
 * it many times: the key must never reach the provider, nothing may be written outside.
 */

const ROUNDS = 5;
const CALLS_PER_ROUND = 40;

describe("a link swapped while the file tools run (the built CLI)", () => {
  const e2e = e2eFixture({ perTest: true });
  let swapper: ChildProcess | undefined;
  afterEach(() => {
    swapper?.kill();
    swapper = undefined;
  });

  it("Read in default mode: the key never reaches the provider, and the reads of the plain file do", async () => {
    const { server, workspace } = e2e;
    const key = path.join(workspace.userHome, ".ssh", "id_ed25519");
    mkdirSync(path.dirname(key), { recursive: true });
    writeFileSync(key, "SECRETKEYDATA\n");
    const file = e2e.inProject("x");
    writeFileSync(file, "plain line\n");
    const read = { name: "Read", input: { file_path: file } };
    for (let round = 0; round < ROUNDS; round++)
      server.enqueue({ toolCalls: Array.from({ length: CALLS_PER_ROUND }, () => read) });
    server.enqueue({ text: "done" });
    swapper = startLinkSwapper(file, key);
    const result = await e2e.print("read x many times");
    swapper.kill();
    expect(result.code).toBe(0);
    const sent = JSON.stringify(server.requests.map((request) => request.body));
    expect(sent).not.toContain("SECRETKEYDATA");
    // The race really ran: reads passed the gate while x was a plain file (and read it, or found it changed).
    expect(sent).toMatch(/plain line|changed after it was checked/);
  });

  it("Write in accept-edits: nothing is written where the link leads", async () => {
    const { server, workspace } = e2e;
    const target = path.join(workspace.userHome, "target.txt");
    const file = e2e.inProject("x");
    writeFileSync(file, "plain line\n");
    for (let round = 0; round < ROUNDS; round++)
      server.enqueue({
        toolCalls: Array.from({ length: CALLS_PER_ROUND }, (_, index) => ({
          name: "Write",
          input: { file_path: file, content: `INJECTED${round}-${index}\n` },
        })),
      });
    server.enqueue({ text: "done" });
    swapper = startLinkSwapper(file, target);
    const result = await e2e.print("write x many times", ["--permission-mode", "accept-edits"]);
    swapper.kill();
    expect(result.code).toBe(0);
    expect(existsSync(target)).toBe(false);
    // The race really ran: writes passed the gate while x was a plain file (and landed in the project, or found it changed).
    expect(JSON.stringify(server.requests.map((request) => request.body))).toMatch(
      /Overwrote x|Created x|changed after it was checked/,
    );
  });
});

describe("allow always with a committed .tacit/settings.local.json link (tacit acp)", () => {
  const e2e = e2eFixture({ perTest: true });
  const editors: AcpEditor[] = [];
  afterEach(async () => {
    await Promise.all(editors.splice(0).map((editor) => editor.close()));
  });

  /** Commits the given links under the project's .tacit, as a cloned repository would hold them. */
  const commitLinks = (links: Record<string, string>) => {
    const folder = e2e.inProject(".tacit");
    mkdirSync(folder, { recursive: true });
    for (const [name, target] of Object.entries(links)) symlinkSync(target, path.join(folder, name));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: e2e.workspace.project,
      });
    git("add", ".tacit");
    git("commit", "-qm", "links");
  };

  const writeTwiceAllowingAlways = async () => {
    const target = e2e.inProject("again.txt");
    e2e.server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "one\n" } }] },
      { text: "first" },
      { toolCalls: [{ name: "Write", input: { file_path: target, content: "two\n" } }] },
      { text: "second" },
    );
    const editor = startAcpEditor({ cwd: e2e.workspace.project, env: e2e.env, args: ["--model", e2e.model] });
    editors.push(editor);
    editor.answer(() => ({ outcome: { outcome: "selected", optionId: "allow-always" } }));
    const agent = editor.connection.agent;
    await agent.request("initialize", initializeParams());
    const { sessionId } = await agent.request("session/new", { cwd: e2e.workspace.project, mcpServers: [] });
    await agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text: "write once" }] });
    await agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text: "write again" }] });
    // The choice holds for the session: the second write is not asked about.
    expect(editor.permissionRequests).toHaveLength(1);
    expect(readFileSync(target, "utf8")).toBe("two\n");
    return editor;
  };

  it("the rule is not written through the link; ~/.claude stays untouched; the user is told in one line", async () => {
    const outside = path.join(e2e.workspace.userHome, ".claude", "settings.json");
    commitLinks({ "settings.local.json": outside });
    const editor = await writeTwiceAllowingAlways();
    expect(existsSync(path.dirname(outside))).toBe(false);
    expect(editor.stderr()).toMatch(
      /did not write .*settings\.local\.json: it is a link leading out of .* holds for this session only/,
    );
  });

  it("a dangling .tacit/.gitignore link out of the project creates nothing there", async () => {
    const outside = path.join(e2e.workspace.userHome, "r4created.txt");
    commitLinks({ ".gitignore": outside });
    await writeTwiceAllowingAlways();
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(e2e.inProject(".tacit", "settings.local.json"))).toBe(false);
  });
});
