// @file in the real TUI, inside tmux, against the fake model server: @ completes a path, the file's
// numbered lines reach the request, and a path outside the project is asked about before it is read.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const terminal = new TmuxTerminal("attach");
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe.skipIf(!hasTmux)("@file in the TUI (tmux)", () => {
  const e2e = e2eFixture();
  beforeAll(() => {
    mkdirSync(e2e.inProject("src"), { recursive: true });
    writeFileSync(e2e.inProject("src", "greeting.ts"), "export const greeting = 'hello from the file';\n");
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model]);
  });
  afterAll(() => terminal.kill());

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
    const outside = path.join(mkdtempSync(path.join(tmpdir(), "tacit-outside-")), "notes.txt");
    writeFileSync(outside, "words from outside the project\n");
    e2e.server.enqueue({ text: "Read your notes." });
    terminal.literal(`summarise @${outside} `);
    await settle();
    terminal.keys("Enter");
    await terminal.waitFor(/Permission: Read/, "the permission question");
    terminal.literal("1");
    await terminal.waitFor(/Read your notes\./, "the answer");
    expect(JSON.stringify(e2e.server.requests.at(-1)!.body)).toContain("words from outside the project");
  });
});
