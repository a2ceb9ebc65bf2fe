// Corrections learned from the user's edits, through the built CLI against the fake model server:
// the agent writes a file, the user changes it, and the reflection request carries the diff; a
// file tacit itself changed again carries none; a session already reflected on teaches a later
// edit once, with `tacit reflect --edits` or in the background at the next start.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { ReflectionLedger } from "../../src/session/reflection-ledger.ts";
import type { RecordedRequest } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";
import { isReflection } from "./reflection-script.ts";

const e2e = e2eFixture({ perTest: true });

const AGENT_TEXT = [
  "export function getUser(id) {",
  "  return database.users.find(id);",
  "}",
  "",
  "// Shared by every list page, so",
  "// keep it small.",
  "export const pageSize = 10;",
  "",
].join("\n");
const USER_TEXT = AGENT_TEXT.replace(
  "export function getUser(id) {",
  "export const fetchUser = async (id) => {",
).replace("}\n", "};\n");

/** Polls until the condition holds; the deadline only keeps a broken test from hanging. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How each reflection run on a session ended, read from the database the CLI writes. */
function runStatuses(sessionId: string): string[] {
  const database = openTacitDatabase(path.join(e2e.workspace.home, "tacit.db"));
  try {
    return new ReflectionLedger(database).runs(sessionId).map((run) => run.status);
  } finally {
    database.close();
  }
}

afterEach(() => e2e.server.onRequest(() => undefined));

/** The part of a reflection request that hands over the user's edits, or undefined when it has none. */
function userEditsSection(request: RecordedRequest): string | undefined {
  const text = request.normalized.messages[0]!.text;
  const start = text.indexOf("<user-edits>");
  return start < 0 ? undefined : text.slice(start, text.indexOf("</user-edits>"));
}

describe("corrections learned from the user's edits", () => {
  const session = async (prompt: string) => {
    const flags = ["--output-format", "json", "--permission-mode", "accept-edits"];
    // The fixture keeps background reflection off (TACIT_NO_REFLECT): these tests start it themselves.
    const result = await e2e.print(prompt, flags);
    expect(result.stderr).toBe("");
    return JSON.parse(result.stdout).session_id as string;
  };
  const write = (file: string, content: string) => ({
    toolCalls: [{ name: "Write", input: { file_path: e2e.inProject(file), content } }],
  });
  // The server lives for the file: each test counts the reflection requests it made itself.
  const reflections = () => e2e.server.requests.filter(isReflection);

  it("hands reflection the user's diff of a file the agent wrote, and nothing for a file tacit changed again", async () => {
    const { server } = e2e;
    server.enqueue(write("src/user.ts", AGENT_TEXT), write("src/config.ts", "export const retries = 1;\n"), {
      text: "Wrote both.",
    });
    const first = await session("write getUser and the config");
    server.enqueue(write("src/config.ts", "export const retries = 3;\n"), { text: "Set to 3." });
    const second = await session("set retries to 3");
    // The user renames the agent's function in an editor.
    writeFileSync(e2e.inProject("src/user.ts"), USER_TEXT);

    const before = reflections().length;
    server.enqueue({ text: "nothing to keep" });
    const reflected = await e2e.run(["reflect", "--session", first]);
    expect(reflected.stderr).toBe("");
    expect(reflected.code).toBe(0);
    const edits = userEditsSection(reflections().at(-1)!);
    expect(edits).toContain("The user changed your work like this");
    // Reflection names the file, then the hunks of its diff.
    expect(edits).toContain("--- src/user.ts\n@@ -1,");
    expect(edits).toContain("-export function getUser(id) {");
    expect(edits).toContain("+export const fetchUser = async (id) => {");
    // config.ts differs from what the first session left, but the second session left what is there.
    expect(edits).not.toContain("config.ts");

    server.enqueue({ text: "nothing to keep" });
    expect((await e2e.run(["reflect", "--session", second])).code).toBe(0);
    expect(reflections()).toHaveLength(before + 2);
    expect(userEditsSection(reflections().at(-1)!)).toBeUndefined();
    expect(server.errors).toEqual([]);
  });

  it("teaches an edit made after the session was reflected on once, with reflect --edits", async () => {
    const { server } = e2e;
    server.enqueue(write("src/user.ts", AGENT_TEXT), { text: "Wrote it." });
    const sessionId = await session("write getUser");
    const before = reflections().length;
    server.enqueue({ text: "nothing to keep" });
    expect((await e2e.run(["reflect", "--session", sessionId])).code).toBe(0);
    expect(userEditsSection(reflections().at(-1)!)).toBeUndefined();

    writeFileSync(e2e.inProject("src/user.ts"), USER_TEXT);
    server.enqueue({ text: "nothing to keep" });
    const result = await e2e.run(["reflect", "--edits"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`session ${sessionId} (your edits of its files, ${e2e.model}):`);
    const request = reflections().at(-1)!;
    expect(request.normalized.messages[0]!.text).toContain("The user edited files the agent wrote");
    expect(request.normalized.messages[0]!.text).toContain("(no messages)");
    expect(userEditsSection(request)).toContain("+export const fetchUser = async (id) => {");
    expect(reflections()).toHaveLength(before + 2);

    // Handed over once: neither --edits nor the session's reflection sends it again.
    const again = await e2e.run(["reflect", "--edits"]);
    expect(again.stdout).toContain("No session of this project waits for reflection.");
    expect((await e2e.run(["reflect", "--session", sessionId])).stdout).toContain("skipped");
    expect(reflections()).toHaveLength(before + 2);
    const shown = await e2e.run(["sessions", "show", sessionId]);
    expect(shown.stdout).toMatch(/reflected .* your edits {2}/);
  });

  it("at the next start, reflects in the background on the user's edit of a session already reflected on", async () => {
    const { server } = e2e;
    server.enqueue(write("src/user.ts", AGENT_TEXT), { text: "Wrote it." });
    const sessionId = await session("write getUser");
    server.enqueue({ text: "nothing to keep" });
    expect((await e2e.run(["reflect", "--session", sessionId])).code).toBe(0);
    writeFileSync(e2e.inProject("src/user.ts"), USER_TEXT);

    const before = reflections().length;
    server.onRequest((request) => (isReflection(request) ? { text: "nothing to keep" } : undefined));
    server.enqueue({ text: "Hi." });
    // Background reflection on for this run: the start-up check, and this session's own at exit.
    const next = await e2e.print("hello", ["--output-format", "json"], { env: { TACIT_NO_REFLECT: "" } });
    expect(next.code).toBe(0);
    const helloId = JSON.parse(next.stdout).session_id as string;
    const withEdits = () =>
      reflections()
        .slice(before)
        .filter((request) => userEditsSection(request));
    await waitFor("the edits reflection", () => withEdits().length === 1);
    expect(userEditsSection(withEdits()[0]!)).toContain("+export const fetchUser = async (id) => {");
    expect(withEdits()[0]!.normalized.messages[0]!.text).toContain("The user edited files the agent wrote");
    // Both background runs end (so none outlives the test), the edits one recorded on the first session.
    await waitFor("both background runs to finish", () => {
      const [edits, own] = [runStatuses(sessionId), runStatuses(helloId)];
      return edits.length === 2 && edits[1] === "done" && own[0] === "done";
    });
    expect(reflections().slice(before)).toHaveLength(2);
    // Handed over: nothing is left to reflect on.
    expect((await e2e.run(["reflect", "--edits"])).stdout).toContain("No session of this project waits");
    expect(server.errors).toEqual([]);
  });
});
