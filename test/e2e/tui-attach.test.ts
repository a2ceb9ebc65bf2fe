// @file in the real TUI, inside tmux, against the fake model server: @ completes a path, the file's
// numbered lines reach the request, and a path outside the project is asked about before it is read;
// a pasted image path is the user's say for that one file, and a deny reason reaches the model.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("attach");
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
// A 1×1 PNG.
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** The last message of the last request the server saw: this turn's, without the history before it. */
function lastMessage(e2e: { server: { requests: { body: unknown }[] } }): string {
  const body = e2e.server.requests.at(-1)!.body as { messages: unknown[] };
  return JSON.stringify(body.messages.at(-1));
}

describe.skipIf(!hasTmux)("@file in the TUI (tmux)", () => {
  const e2e = e2eFixture();
  beforeAll(() => {
    mkdirSync(e2e.inProject("src"), { recursive: true });
    writeFileSync(e2e.inProject("src", "greeting.ts"), "export const greeting = 'hello from the file';\n");
    terminal.launch(e2e.workspace, e2e.env, [
      "--model",
      e2e.model,
      "--disallowed-tools",
      "Read(./private/**)",
    ]);
  });
  afterAll(() => terminal.kill());

  /** Mentions a new file outside the project (the model's answer queued) and waits for the gate's question. */
  async function mentionOutside(name: string, content: string, words: string, answer: string) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "tacit-outside-")), name);
    writeFileSync(file, content);
    e2e.server.enqueue({ text: answer });
    terminal.literal(`${words} @${file} `);
    await settle();
    terminal.keys("Enter");
    await terminal.waitFor(/Permission: Read/, "the permission question");
  }

  it("completes @ to a path and attaches the file's numbered lines to the message", async () => {
    await terminal.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue({ text: "It exports a greeting." });
    terminal.literal("explain @src/gree");
    await terminal.waitFor(/src\/greeting\.ts/, "the @ completion menu");
    terminal.keys("Tab");
    await settle();
    terminal.literal("please");
    await terminal.waitFor(/@src\/greeting\.ts please/, "the completed mention");
    terminal.keys("Enter");
    await terminal.waitFor(/It exports a greeting\./, "the answer");
    const body = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(body).toMatch(/1\\t\s*export const greeting = 'hello from the file';/);
    expect(body).toContain("attached-file");
  });

  it("asks before attaching a file outside the project, and attaches it once allowed", async () => {
    await mentionOutside("notes.txt", "words from outside the project\n", "summarise", "Read your notes.");
    terminal.literal("1");
    await terminal.waitFor(/Read your notes\./, "the answer");
    expect(JSON.stringify(e2e.server.requests.at(-1)!.body)).toContain("words from outside the project");
  });

  it("attaches an image path pasted from outside the project without asking for a Read rule", async () => {
    const shot = path.join(mkdtempSync(path.join(tmpdir(), "tacit-desktop-")), "shot.png");
    writeFileSync(shot, Buffer.from(PNG_BASE64, "base64"));
    e2e.server.enqueue({ text: "A tiny picture." });
    await terminal.typeLine(`what is ${shot}`);
    await terminal.waitFor(/A tiny picture\./, "the answer");
    expect(terminal.screen({ history: true })).not.toMatch(/Permission: Read.*shot\.png|Allow always/s);
    expect(lastMessage(e2e)).toContain(PNG_BASE64);
  });

  it("still refuses a pasted image path a Read deny rule covers", async () => {
    mkdirSync(e2e.inProject("private"), { recursive: true });
    writeFileSync(e2e.inProject("private", "shot.png"), Buffer.from(PNG_BASE64, "base64"));
    e2e.server.enqueue({ text: "Nothing came with it." });
    await terminal.typeLine("what is ./private/shot.png");
    await terminal.waitFor(/Nothing came with it\./, "the answer");
    expect(terminal.screen({ history: true })).toContain("Not attached: @./private/shot.png (Denied by");
    expect(lastMessage(e2e)).not.toContain(PNG_BASE64);
  });

  it("passes the user's reason on when they deny an attachment, and tells the model why", async () => {
    await mentionOutside(
      "diary.txt",
      "dear diary, private words\n",
      "see",
      "Understood, I will not read it.",
    );
    terminal.literal("3");
    await terminal.waitFor(/Why not\?/, "the reason field");
    terminal.literal("it is my private diary");
    await settle();
    terminal.keys("Enter");
    await terminal.waitFor(/Understood, I will not read it\./, "the answer");
    const message = lastMessage(e2e);
    expect(message).toContain("Their reason: it is my private diary");
    expect(message).not.toContain("dear diary");
  });
});
