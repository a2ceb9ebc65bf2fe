// MemoryService.remember, the one way to store a memory from outside the loop
// (`tacit remember`, the TUI's /remember): real files, real git, a real database.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemoryService } from "../../src/memory/memory-service.ts";
import type { MemoryScope } from "../../src/memory/scopes.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

let root: string;
let home: string;
let projectRoot: string;
let database: DatabaseSync;
const services: MemoryService[] = [];

function serviceFor(options: { git?: boolean; enabledScopes?: MemoryScope[] } = {}): MemoryService {
  if (options.git !== false) execFileSync("git", ["init", "-q"], { cwd: projectRoot });
  const service = new MemoryService({
    database,
    home,
    projectRoot,
    ...(options.enabledScopes ? { enabledScopes: options.enabledScopes } : {}),
  });
  services.push(service);
  return service;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-remember-"));
  home = path.join(root, "tacit-home");
  projectRoot = path.join(root, "project");
  mkdirSync(projectRoot, { recursive: true });
  database = openTacitDatabase(path.join(home, "tacit.db"));
});

afterEach(() => {
  for (const service of services.splice(0)) service.close();
  database.close();
  rmSync(root, { recursive: true, force: true });
});

describe("MemoryService.remember", () => {
  it("stores a project memory inside a git repository, named from its first sentence, searchable at once", async () => {
    const service = serviceFor();
    const remembered = await service.remember(
      "Always run npm test before committing. It catches the zeppelin bug.",
      {
        reason: "test",
      },
    );
    expect(remembered).toMatchObject({
      scope: "project",
      name: "always-run-npm-test-before-committing",
      type: "project",
      created: true,
      redactions: 0,
    });
    const stored = readFileSync(remembered.filePath, "utf8");
    expect(stored).toContain("description: Always run npm test before committing.");
    expect(stored).toContain("It catches the zeppelin bug.");
    expect(service.search("zeppelin").map((result) => result.title)).toEqual([
      "always run npm test before committing: Always run npm test before committing.",
    ]);
  });

  it("never replaces a memory whose derived name is taken; a given name replaces it", async () => {
    const service = serviceFor();
    const first = await service.remember("Use pnpm.", { reason: "test" });
    const second = await service.remember("Use pnpm!", { reason: "test" });
    const third = await service.remember("Use pnpm?", { reason: "test" });
    expect([first.name, second.name, third.name]).toEqual(["use-pnpm", "use-pnpm-2", "use-pnpm-3"]);
    const replaced = await service.remember("Use npm after all.", { reason: "test", name: "use-pnpm" });
    expect(replaced).toMatchObject({ name: "use-pnpm", created: false });
    expect(readFileSync(replaced.filePath, "utf8")).toContain("Use npm after all.");
  });

  it("cuts a long derived name at a word boundary", async () => {
    const service = serviceFor();
    const remembered = await service.remember(
      "The integration suite needs the staging database seeded with the fixtures from the shared drive first",
      { reason: "test" },
    );
    expect(remembered.name).toBe("the-integration-suite-needs-the-staging-database");
    expect(remembered.name.length).toBeLessThanOrEqual(48);
  });

  it("uses the user scope, as a preference, outside a git repository, where there is no project scope", async () => {
    const service = serviceFor({ git: false });
    const remembered = await service.remember("I prefer tabs.", { reason: "test" });
    expect(remembered).toMatchObject({ scope: "user", type: "preference" });
    await expect(service.remember("x", { reason: "test", scope: "project" })).rejects.toThrow(
      "there is no project memory outside a git repository",
    );
  });

  it("does not default to a scope turned off in settings", async () => {
    const service = serviceFor({ enabledScopes: ["user", "local"] });
    const remembered = await service.remember("Two spaces for YAML.", { reason: "test" });
    expect(remembered.scope).toBe("user");
    await expect(service.remember("x", { reason: "test", scope: "project" })).rejects.toThrow(
      "the project memory scope is disabled",
    );
  });

  it("takes a secret out before the name and description are made from the text", async () => {
    const service = serviceFor();
    const secret = `sk-ant-api03-${"A1b2C3d4E5".repeat(9)}`;
    const remembered = await service.remember(`${secret} is the deploy key`, {
      reason: "test",
      scope: "user",
      type: "reference",
    });
    expect(remembered.redactions).toBeGreaterThan(0);
    expect(remembered.type).toBe("reference");
    expect(remembered.name).not.toContain("a1b2c3d4e5");
    const folder = path.dirname(remembered.filePath);
    for (const file of readdirSync(folder)) {
      expect(file).not.toContain("a1b2c3d4e5");
      if (file.endsWith(".md")) expect(readFileSync(path.join(folder, file), "utf8")).not.toContain(secret);
    }
    // The user scope's history records the reason and holds no secret either.
    const log = execFileSync("git", ["log", "-p", "--format=%s"], { cwd: folder, encoding: "utf8" });
    expect(log).toContain(": test");
    expect(log).not.toContain(secret);
  });

  it("refuses empty text", async () => {
    const service = serviceFor();
    await expect(service.remember("   ", { reason: "test" })).rejects.toThrow("nothing to remember");
  });
});
