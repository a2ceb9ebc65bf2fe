import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// `tacit init` through the built CLI, against the scripted fake model server, on a small real git
// repository: package.json scripts, a README, a src folder.

const memoryFile = (name: string, description: string, body: string) =>
  `---\nname: ${name}\ndescription: ${description}\ntype: reference\npaths: [package.json]\n---\n\n${body}\n`;

const TEST_COMMANDS = memoryFile(
  "test-commands",
  "How to build and test this project",
  "Build with `npm run build` (tsc into dist/). Test with `npm test` (vitest); one file: `npx vitest run test/greet.test.ts`.",
);
const ARCHITECTURE = `---\nname: architecture\ndescription: src/greet.ts holds the greeting; src/index.ts is the entry\ntype: project\n---\n\nThe entry src/index.ts prints greet(process.argv[2]); the logic lives in src/greet.ts.\n`;
const create = (name: string, fileText: string) => ({
  name: "memory",
  input: { command: "create", path: `/memories/project/${name}.md`, file_text: fileText },
});
// What a second run might try: the same fact in other words, under another name.
const REWORDED = memoryFile(
  "build-and-test",
  "Build and test commands",
  "`npm run build` builds dist/ with tsc. `npm test` runs vitest; a single test file with `npx vitest run <file>`.",
);

describe("tacit init", () => {
  const e2e = e2eFixture();
  const memoryFolder = () => e2e.inProject(".tacit", "memory");
  const memoryFiles = () =>
    readdirSync(memoryFolder())
      .filter((name) => name.endsWith(".md"))
      .sort();

  beforeAll(() => {
    const write = (relative: string, text: string) => {
      mkdirSync(path.dirname(e2e.inProject(relative)), { recursive: true });
      writeFileSync(e2e.inProject(relative), text);
    };
    write(
      "package.json",
      JSON.stringify({
        name: "greeter",
        type: "module",
        scripts: { build: "tsc -p .", test: "vitest run", lint: "biome check ." },
        devDependencies: { vitest: "^3.0.0" },
      }),
    );
    write("README.md", "# greeter\n\nGreets whoever you name on the command line.\n");
    write("src/index.ts", 'import { greet } from "./greet.ts";\nconsole.log(greet(process.argv[2]));\n');
    write("src/greet.ts", "export const greet = (name = 'world') => 'hello ' + name;\n");
    write(".gitignore", "dist/\n");
    write("dist/index.js", "built output\n");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], {
        cwd: e2e.workspace.project,
      });
    git("add", "-A");
    git("commit", "-qm", "greeter");
  });

  it("studies the repository from a survey and writes project memories", async () => {
    const { server } = e2e;
    server.enqueue(
      {
        toolCalls: [create("test-commands", TEST_COMMANDS), create("architecture", ARCHITECTURE)],
      },
      { text: "Saved test-commands and architecture." },
    );
    const before = server.requests.length;
    const result = await e2e.run(["init", "--model", e2e.model]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const first = server.requests[before]!.normalized;
    const sent = first.messages[0]!.text;
    // The survey, gathered in code, rode with the first request: layout, scripts, README.
    expect(sent).toContain("# Repository survey");
    expect(sent).toContain("src/greet.ts");
    expect(sent).toContain("npm run test    # vitest run");
    expect(sent).toContain("Greets whoever you name on the command line.");
    expect(sent).not.toContain("dist/index.js");
    expect(sent).toContain("# Project memories already saved\n(none yet)");
    // Read-only tools and memory: nothing that runs or writes files.
    expect(first.toolNames).toContain("memory");
    expect(first.toolNames).toContain("Read");
    for (const name of ["Bash", "Write", "Edit"]) expect(first.toolNames).not.toContain(name);

    expect(memoryFiles()).toEqual(["architecture.md", "test-commands.md"]);
    expect(readFileSync(path.join(memoryFolder(), "test-commands.md"), "utf8")).toContain("npx vitest run");
    expect(result.stdout).toContain("Saved test-commands and architecture.");
    expect(result.stdout).toContain("init: 2 memory changes:");
    expect(result.stdout).toContain("created project/test-commands: How to build and test this project");
  });

  it("run again, updates what is there: a reworded copy is refused and the edit lands in the existing file", async () => {
    const { server } = e2e;
    server.enqueue(
      {
        toolCalls: [create("build-and-test", REWORDED)],
      },
      {
        toolCalls: [
          {
            name: "memory",
            input: {
              command: "str_replace",
              path: "/memories/project/test-commands.md",
              old_str: "Test with `npm test` (vitest)",
              new_str: "Test with `npm test` (vitest); lint with `npm run lint` (Biome)",
            },
          },
        ],
      },
      { text: "Updated test-commands." },
    );
    const before = server.requests.length;
    const result = await e2e.run(["init", "--model", e2e.model]);
    expect(result.code).toBe(0);

    // The second run's request carried the memories already saved, bodies included.
    const sent = server.requests[before]!.normalized.messages[0]!.text;
    expect(sent).toContain("# Project memories already saved (2)");
    expect(sent).toContain(
      "## /memories/project/test-commands.md (reference): How to build and test this project",
    );
    expect(sent).toContain("npx vitest run test/greet.test.ts");

    const refusal = server.requests[before + 1]!.normalized.messages.flatMap(
      (message) => message.toolResults,
    )[0]!;
    expect(refusal.isError).toBe(true);
    expect(refusal.output).toContain("/memories/project/test-commands.md already covers this");
    expect(refusal.output).toContain("str_replace");

    expect(memoryFiles()).toEqual(["architecture.md", "test-commands.md"]);
    expect(readFileSync(path.join(memoryFolder(), "test-commands.md"), "utf8")).toContain(
      "lint with `npm run lint` (Biome)",
    );
    expect(result.stdout).toContain("updated project/test-commands");
    expect(result.stdout).not.toContain("build-and-test");
  });

  it("with --dry-run says what it would write and writes nothing", async () => {
    const { server } = e2e;
    server.enqueue(
      {
        toolCalls: [
          create(
            "conventions",
            "---\nname: conventions\ndescription: Arrow functions with default parameters\ntype: pattern\n---\n\nFunctions are exported arrow functions.\n",
          ),
        ],
      },
      { text: "Would save conventions." },
    );
    const result = await e2e.run(["init", "--dry-run", "--model", e2e.model]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("init (dry run, nothing written):");
    expect(result.stdout).toContain(
      "would create project/conventions: Arrow functions with default parameters",
    );
    expect(memoryFiles()).toEqual(["architecture.md", "test-commands.md"]);
  });

  it("with --agents-md also writes AGENTS.md, without asking, and no other file", async () => {
    const { server } = e2e;
    const agentsFile = e2e.inProject("AGENTS.md");
    const elsewhere = e2e.inProject("src", "notes.ts");
    server.enqueue(
      {
        toolCalls: [
          {
            name: "Write",
            input: { file_path: agentsFile, content: "# greeter\n\nTest with `npm test`.\n" },
          },
        ],
      },
      { text: "Wrote AGENTS.md." },
    );
    const before = server.requests.length;
    const written = await e2e.run(["init", "--agents-md", "--model", e2e.model]);
    expect(written.code).toBe(0);
    expect(server.requests[before]!.normalized.toolNames).toContain("Write");
    expect(server.requests[before]!.normalized.toolNames).not.toContain("Bash");
    expect(e2e.results()[0]!.isError).toBe(false);
    expect(readFileSync(agentsFile, "utf8")).toContain("Test with `npm test`.");

    // Where edits need no asking, the permission gate would let any file through: init itself refuses.
    e2e.writeUserSettings({ permissions: { defaultMode: "acceptEdits" } });
    server.enqueue(
      { toolCalls: [{ name: "Write", input: { file_path: elsewhere, content: "export {};\n" } }] },
      { text: "Tried." },
    );
    const refused = await e2e.run(["init", "--agents-md", "--model", e2e.model]);
    e2e.writeUserSettings({ permissions: {} });
    expect(refused.code).toBe(0);
    expect(e2e.results()[0]!.isError).toBe(true);
    expect(e2e.results()[0]!.output).toContain("During init only");
    expect(existsSync(elsewhere)).toBe(false);
  });

  it("outside a git repository says there is no project memory in one line and exits 1", async () => {
    const outside = path.join(e2e.workspace.userHome, "not-a-repository");
    mkdirSync(outside, { recursive: true });
    const before = e2e.server.requests.length;
    const result = await e2e.run(["init", "--model", e2e.model], { cwd: outside });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("there is no project outside a git repository");
    expect(e2e.server.requests.length).toBe(before);
  });
});
