// The secrets corpus through every way text reaches disk, end to end with the built CLI
// and the fake model server: `tacit remember`, `tacit memory edit`, the prompt, the memory
// tool, Bash output, Read output, the model's own text, and `tacit sessions export`. Then everything on disk is read
// back (a session export, every file under TACIT_HOME and the repository's .tacit, every git object, every
// column of every SQLite table) and searched for any raw secret. What the model was SENT
// is not the target: what reaches disk is.
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { secretSamples } from "../memory/secret-samples.ts";
import { filesUnder, gitRepositoriesUnder, rawSecretsIn, storedByTacit } from "../support/secret-scan.ts";
import { e2eFixture } from "./fixture.ts";
import type { CliResult } from "./harness.ts";

const samples = secretSamples();
const values = samples.flatMap((sample) => sample.values.map((value) => ({ name: sample.name, value })));
/** Ordinary text written with the secrets: found on disk, it proves each path really stored something. */
const SENTINEL = "corpus-sentinel-7d2e";
const CHUNK = 20;
const chunks: string[] = [];
for (let start = 0; start < samples.length; start += CHUNK) {
  chunks.push(
    samples
      .slice(start, start + CHUNK)
      .map((sample) => sample.text)
      .join("\n\n"),
  );
}
const corpus = `${SENTINEL}\n\n${chunks.join("\n\n")}\n`;
const SCOPES = ["user", "project", "local"] as const;

const memoryFile = (name: string, body: string) =>
  `---\nname: ${name}\ndescription: ${SENTINEL} secrets corpus\ntype: reference\n---\n${SENTINEL}\n${body}\n`;

describe("secrets corpus: nothing raw reaches disk on any path", () => {
  const e2e = e2eFixture();

  /** Runs tacit with the wire's env plus `extraEnv`; a failure stops the test with its stderr. */
  async function tacit(
    args: string[],
    extraEnv: Record<string, string> = {},
    input?: string,
  ): Promise<CliResult> {
    const result = await e2e.run(args, {
      env: extraEnv,
      ...(input !== undefined ? { input } : {}),
      timeoutMs: 60_000,
    });
    if (result.code !== 0) throw new Error(`tacit ${args[0]} failed (${result.code}): ${result.stderr}`);
    return result;
  }

  it("writes the corpus through every path, then finds no raw secret anywhere", async () => {
    const { server, workspace } = e2e;
    expect(samples.length).toBeGreaterThanOrEqual(100);
    mkdirSync(path.join(workspace.project, "notes"), { recursive: true });
    writeFileSync(path.join(workspace.project, "notes", "corpus.txt"), corpus);

    // remember, in every scope, a chunk each.
    for (const [index, chunk] of chunks.entries()) {
      const scope = SCOPES[index % SCOPES.length]!;
      await tacit(["remember", `${SENTINEL}\n${chunk}`, "--scope", scope, "--name", `remembered-${index}`]);
    }

    // memory edit: the editor appends the whole corpus to a memory.
    const editor = path.join(workspace.userHome, "append-corpus.sh");
    writeFileSync(
      editor,
      `#!/bin/sh\ncat "${path.join(workspace.project, "notes", "corpus.txt")}" >> "$1"\n`,
    );
    chmodSync(editor, 0o755);
    await tacit(["memory", "edit", "remembered-0"], { EDITOR: editor, VISUAL: "" });

    // One headless turn: the prompt, the memory tool in every scope, Bash and Read output, model text.
    server.enqueue(
      {
        toolCalls: [
          ...chunks.map((chunk, index) => ({
            name: "memory",
            input: {
              command: "create",
              path: `/memories/${SCOPES[index % SCOPES.length]}/tool-${index}.md`,
              file_text: memoryFile(`tool-${index}`, chunk),
            },
          })),
          { name: "Bash", input: { command: "cat notes/corpus.txt" } },
          { name: "Read", input: { file_path: "notes/corpus.txt" } },
        ],
      },
      { text: `Here is what I found:\n${corpus}` },
    );
    // A user-scope memory write asks, so the headless run carries the user's rule for it.
    await tacit(
      [
        "-p",
        "--model",
        e2e.model,
        "--allowed-tools",
        "Bash(cat:*)",
        "--allowed-tools",
        "Memory(/memories/user/**)",
      ],
      {},
      corpus,
    );
    const results = e2e.results();
    expect(results).toHaveLength(chunks.length + 2);
    expect(results.filter((result) => result.isError)).toEqual([]);
    // The model was sent the secrets (Bash and Read show files as they are); only storage redacts.
    expect(results.at(-1)!.output).toContain(values[0]!.value);

    // An export is written from the store: into TACIT_HOME here, so the scan below reads it.
    const listed = await tacit(["sessions", "list", "--json"]);
    const [session] = JSON.parse(listed.stdout) as Array<{ id: string }>;
    const exported = path.join(workspace.home, "export.jsonl");
    await tacit(["sessions", "export", session!.id, "--output", exported]);

    const dotTacit = path.join(workspace.project, ".tacit");
    const repositories = [...gitRepositoriesUnder(workspace.home), ...gitRepositoriesUnder(dotTacit)];
    const stored = storedByTacit(workspace.home, workspace.project);

    // Each path stored something: the sentinel is in memory files of all three scopes, in git
    // (user and local scopes are versioned), in the transcript and in the search index.
    const holding = (where: (place: string) => boolean) =>
      stored.filter((text) => where(text.where) && text.text.includes(SENTINEL));
    expect(holding((where) => where.startsWith(path.join(dotTacit, "memory"))).length).toBeGreaterThan(0);
    expect(
      holding((where) => where.startsWith(workspace.home) && where.endsWith(".md")).length,
    ).toBeGreaterThan(3);
    expect(repositories.length).toBeGreaterThanOrEqual(2);
    expect(holding((where) => where.startsWith("git ")).length).toBe(repositories.length);
    expect(holding((where) => where === exported)).toHaveLength(1);
    expect(holding((where) => where === "sqlite messages.content")).toHaveLength(1);
    expect(holding((where) => where === "sqlite search_documents.body")).toHaveLength(1);
    const transcript = stored.find((text) => text.where === "sqlite messages.content")!.text;
    expect(transcript.match(/\[REDACTED:/g)!.length).toBeGreaterThan(values.length * 3);

    expect(rawSecretsIn(stored, values)).toEqual([]);
  }, 240_000);

  it("a tool call cut at the output limit mid-input keeps none of its input", async () => {
    const { server, workspace } = e2e;
    // The unparsed input is JSON text with its strings escaped ("\n" glued to a secret hides it from
    // the patterns): before the fix, 50 of the corpus's secrets reached messages.content raw.
    const whole = JSON.stringify({ file_path: "notes/cut.txt", content: `${corpus}and more` });
    server.enqueue({
      text: `${SENTINEL} writing the notes`,
      ending: "max-tokens",
      cutToolCall: { name: "Write", partialInput: whole.slice(0, -12) },
    });
    const result = await e2e.run(["-p", "save the notes", "--model", e2e.model, "--yolo"], {
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("its tool call was not run");
    const stored = storedByTacit(workspace.home, workspace.project);
    const transcript = stored.find((text) => text.where === "sqlite messages.content")!.text;
    expect(transcript).toContain(`${SENTINEL} writing the notes`);
    expect(transcript).toContain("this call's input was not whole JSON");
    expect(rawSecretsIn(stored, values)).toEqual([]);
  });

  it("a memory export leaves out secrets a hand edit put in the project scope", async () => {
    const { workspace } = e2e;
    await tacit(["remember", SENTINEL, "--scope", "project", "--name", "hand-edited"]);
    const file = path.join(workspace.project, ".tacit", "memory", "hand-edited.md");
    appendFileSync(file, `\n${corpus}`);
    const target = path.join(workspace.userHome, "export");
    await tacit(["memory", "export", target, "--scope", "project"]);
    const exported = filesUnder(target);
    expect(exported.some((text) => text.text.includes(SENTINEL))).toBe(true);
    expect(rawSecretsIn(exported, values)).toEqual([]);
  });
});
