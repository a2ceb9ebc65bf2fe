// Corrections learned from the user's edits, through the built CLI against the fake model server:
// the agent writes a file, the user changes it, and the reflection request carries the diff; a
// file tacit itself changed again carries none; a session already reflected on teaches a later
// edit once, with `tacit reflect --edits`.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
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

/** Every run's own reflection at exit is off: the tests start reflection themselves. */
const NO_AUTO_REFLECT = { env: { TACIT_NO_REFLECT: "1" } };

/** The part of a reflection request that hands over the user's edits, or undefined when it has none. */
function userEditsSection(request: RecordedRequest): string | undefined {
  const text = request.normalized.messages[0]!.text;
  const start = text.indexOf("<user-edits>");
  return start < 0 ? undefined : text.slice(start, text.indexOf("</user-edits>"));
}

describe("corrections learned from the user's edits", () => {
  const session = async (prompt: string) => {
    const flags = ["--output-format", "json", "--permission-mode", "accept-edits"];
    const result = await e2e.print(prompt, flags, NO_AUTO_REFLECT);
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
    expect(edits).toContain("--- a/src/user.ts\n+++ b/src/user.ts\n@@");
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
});
