import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DUPLICATE_THRESHOLD,
  guardAgainstDuplicates,
  memorySimilarity,
} from "../../src/memory/duplicate-guard.ts";
import { runMemoryCommand } from "../../src/memory/memory-commands.ts";
import { DIFFERENT_FACTS, SAME_FACT } from "./duplicate-pairs.ts";
import { makeSandbox, type Sandbox } from "./store/helpers.ts";

const file = (name: string, description: string, body: string) =>
  `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n\n${body}\n`;

describe("the near-duplicate threshold", () => {
  it("counts every rewording of one fact as a copy and no two different facts", () => {
    const same = SAME_FACT.map(([left, right]) => memorySimilarity(left, right));
    const different = DIFFERENT_FACTS.map(([left, right]) => memorySimilarity(left, right));
    for (const score of same) expect(score).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    for (const score of different) expect(score).toBeLessThan(DUPLICATE_THRESHOLD);
    // The threshold is not balanced on an edge: both sides keep some distance from it.
    expect(Math.min(...same) - DUPLICATE_THRESHOLD).toBeGreaterThan(0.03);
    expect(DUPLICATE_THRESHOLD - Math.max(...different)).toBeGreaterThan(0.03);
  });
});

describe("guardAgainstDuplicates", () => {
  let sandbox: Sandbox;
  const projectFolder = () => path.join(sandbox.projectRoot, ".tacit", "memory");
  const projectFiles = () => readdirSync(projectFolder()).filter((name) => name.endsWith(".md"));

  beforeEach(async () => {
    sandbox = makeSandbox();
    const [existing] = SAME_FACT[0]!;
    await runMemoryCommand(sandbox.store, {
      command: "create",
      path: "/memories/project/build-and-test.md",
      file_text: file("build-and-test", existing.description, existing.body),
    });
  });
  afterEach(() => sandbox.cleanup());

  it("refuses a reworded copy, naming the memory to edit instead, and writes nothing", async () => {
    const guarded = guardAgainstDuplicates(sandbox.store);
    const [, copy] = SAME_FACT[0]!;
    const attempt = runMemoryCommand(guarded, {
      command: "create",
      path: "/memories/project/commands.md",
      file_text: file("commands", copy.description, copy.body),
    });
    await expect(attempt).rejects.toThrow(/\/memories\/project\/build-and-test\.md already covers this/);
    await expect(attempt).rejects.toThrow(/str_replace/);
    expect(projectFiles()).toEqual(["build-and-test.md"]);
  });

  it("refuses the same name spelled another way", async () => {
    const guarded = guardAgainstDuplicates(sandbox.store);
    const attempt = runMemoryCommand(guarded, {
      command: "create",
      path: "/memories/project/build-and-tests.md",
      file_text: file("build-and-tests", "Releases", "Tag and push."),
    });
    await expect(attempt).rejects.toThrow(/the same name/);
  });

  it("does not take two names of only short words for the same name", async () => {
    const guarded = guardAgainstDuplicates(sandbox.store);
    await runMemoryCommand(guarded, {
      command: "create",
      path: "/memories/project/ui.md",
      file_text: file("ui", "Components live in web/components", "React function components, one per file."),
    });
    await runMemoryCommand(guarded, {
      command: "create",
      path: "/memories/project/db.md",
      file_text: file(
        "db",
        "Migrations are numbered SQL files",
        "Add one in migrations/ with the next number.",
      ),
    });
    expect(projectFiles().sort()).toEqual(["build-and-test.md", "db.md", "ui.md"]);
  });

  it("lets a different fact through, and edits of the existing memory", async () => {
    const guarded = guardAgainstDuplicates(sandbox.store);
    const [, other] = DIFFERENT_FACTS[0]!;
    await runMemoryCommand(guarded, {
      command: "create",
      path: "/memories/project/lint.md",
      file_text: file("lint", other.description, other.body),
    });
    await runMemoryCommand(guarded, {
      command: "str_replace",
      path: "/memories/project/build-and-test.md",
      old_str: "(esbuild into dist/)",
      new_str: "(esbuild into dist/; takes a second)",
    });
    expect(projectFiles().sort()).toEqual(["build-and-test.md", "lint.md"]);
    expect(readFileSync(path.join(projectFolder(), "build-and-test.md"), "utf8")).toContain("takes a second");
  });

  it("guards only the scopes it is given", async () => {
    const [, copy] = SAME_FACT[0]!;
    const userOnly = guardAgainstDuplicates(sandbox.store, { scopes: ["user"] });
    await runMemoryCommand(userOnly, {
      command: "create",
      path: "/memories/project/commands.md",
      file_text: file("commands", copy.description, copy.body),
    });
    expect(projectFiles().sort()).toEqual(["build-and-test.md", "commands.md"]);
  });
});
