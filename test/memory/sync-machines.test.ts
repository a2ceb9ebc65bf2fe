import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conflictVersions, resolvedMemory } from "../../src/memory/sync/conflict.ts";
import { syncMemory } from "../../src/memory/sync/memory-sync.ts";
import { takeSyncFailureNotice } from "../../src/memory/sync/sync-status.ts";
import { secrets } from "./secret-generators.ts";
import { git, memory, twoMachines } from "./sync-machines.ts";

describe("sync through a bare repository between two tacit homes", () => {
  let setup: ReturnType<typeof twoMachines>;
  beforeEach(() => {
    setup = twoMachines();
  });
  afterEach(() => setup.cleanup());

  it("a memory made on A appears on B after sync, and nothing is left to do after", async () => {
    const { a, b } = setup;
    await a.store.write("user", memory("use-pnpm", "Install packages with pnpm."));
    const first = await a.sync();
    expect(first.scopes.find((scope) => scope.scope === "user")?.pushed).toBe(true);

    const pulled = await b.sync();
    expect(pulled.scopes.find((scope) => scope.scope === "user")?.pulled).toContain("use-pnpm.md");
    expect(b.store.read("user", "use-pnpm").memory.body).toBe("Install packages with pnpm.");
    // B's history is A's: log and undo work on it.
    expect((await b.store.log("user")).map((entry) => entry.message)).toContain("create project use-pnpm");

    const again = await b.sync();
    expect(again.scopes.every((scope) => !scope.pushed && scope.pulled.length === 0)).toBe(true);
  });

  it("different memories edited on both sides merge silently, in a merge commit with both parents", async () => {
    const { a, b } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    await a.store.write("user", memory("test-command", "Run npm test."));
    await a.sync();
    await b.sync();

    await a.store.write("user", memory("deploy-steps", "Deploy with the marmoset script."));
    await b.store.write("user", memory("test-command", "Run npm run check."));
    await a.sync();
    const merged = await b.sync();
    expect(merged.scopes.find((scope) => scope.scope === "user")?.conflicts).toEqual([]);
    await a.sync();

    for (const machine of [a, b]) {
      expect(machine.store.read("user", "deploy-steps").memory.body).toBe("Deploy with the marmoset script.");
      expect(machine.store.read("user", "test-command").memory.body).toBe("Run npm run check.");
      expect(machine.store.list("user").some((entry) => entry.conflict)).toBe(false);
    }
    const parents = git(b.store.folders.user, ["log", "-1", "--format=%P"]).trim().split(" ");
    expect(parents).toHaveLength(2);
    expect(git(b.store.folders.user, ["status", "--porcelain"]).trim()).toBe("");

    // Undo on B steps back over the merge as one change: what A brought in goes, B's own edit stays.
    const [step] = await b.store.undo("user");
    expect(step?.undone.message).toMatch(/^sync: merge tacit\/user/);
    expect(b.store.read("user", "deploy-steps").memory.body).toBe("Deploy with the zeppelin script.");
    expect(b.store.read("user", "test-command").memory.body).toBe("Run npm run check.");
  });

  it("the same memory edited on both keeps both texts in one file marked conflict, on both machines", async () => {
    const { a, b } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    await a.sync();
    await b.sync();
    await a.store.write("user", memory("deploy-steps", "Deploy with the marmoset script."));
    await b.store.write("user", memory("deploy-steps", "Deploy with the quokka script."));
    await a.sync();
    const report = await b.sync();
    expect(report.scopes.find((scope) => scope.scope === "user")?.conflicts).toEqual(["deploy-steps"]);
    await a.sync();

    for (const machine of [a, b]) {
      const read = machine.store.read("user", "deploy-steps");
      expect(read.conflict).toBe(true);
      const versions = conflictVersions(read.memory);
      expect(versions?.local).toBe("Deploy with the quokka script.");
      expect(versions?.remote).toBe("Deploy with the marmoset script.");
      expect(read.text).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    }
    // Settling it on one machine (a write with the chosen body) clears the flag everywhere.
    await a.store.update("user", "deploy-steps", (current) => ({
      ...current!.memory,
      body: "Deploy with the quokka script.",
    }));
    await a.sync();
    await b.sync();
    expect(b.store.read("user", "deploy-steps").conflict).toBe(false);
  });

  it("keeping one side of a conflict brings back that side's description and type too", async () => {
    const { a, b } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    await a.sync();
    await b.sync();
    await a.store.write("user", {
      ...memory("deploy-steps", "Deploy through CI only.", "deploys go through CI"),
      type: "decision",
    });
    await b.store.write(
      "user",
      memory("deploy-steps", "Deploy with make deploy.", "deploys from the laptop"),
    );
    await a.sync();
    await b.sync();
    const conflicted = b.store.read("user", "deploy-steps").memory;
    const versions = conflictVersions(conflicted);
    expect(versions?.remoteFrontmatter).toEqual({ description: "deploys go through CI", type: "decision" });
    expect(versions?.localFrontmatter).toEqual({ description: "deploys from the laptop", type: "project" });

    const keptRemote = resolvedMemory(conflicted, versions!.remote);
    expect([keptRemote.description, keptRemote.type]).toEqual(["deploys go through CI", "decision"]);
    const keptLocal = resolvedMemory(conflicted, versions!.local);
    expect([keptLocal.description, keptLocal.type]).toEqual(["deploys from the laptop", "project"]);
    // A merged text keeps the merged frontmatter.
    expect(resolvedMemory(conflicted, "Deploy through CI; make deploy for hotfixes.").description).toBe(
      conflicted.description,
    );

    // As `tacit memory edit` writes it: the remote's text kept, the frontmatter left as it was.
    await b.store.update("user", "deploy-steps", (current) => ({
      ...current!.memory,
      body: versions!.remote,
    }));
    const settled = b.store.read("user", "deploy-steps");
    expect(settled.conflict).toBe(false);
    expect([settled.memory.description, settled.memory.type]).toEqual(["deploys go through CI", "decision"]);
  });

  it("a deletion on one side and an edit on the other keeps the edit", async () => {
    const { a, b } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    await a.sync();
    await b.sync();
    await a.store.remove("user", "deploy-steps");
    await b.store.write("user", memory("deploy-steps", "Deploy with the marmoset script."));
    await a.sync();
    await b.sync();
    await a.sync();
    expect(a.store.read("user", "deploy-steps").memory.body).toBe("Deploy with the marmoset script.");
  });

  it("a project's local scope follows the project across two clone paths", async () => {
    const { a, b } = setup;
    // Cloned as git@github.com:me/app.git at a/work/app and https://GitHub.com/me/app at b/src/elsewhere/app-clone.
    expect(a.store.folders.local).not.toBe(b.store.folders.local);
    await a.store.write("local", memory("staging-box", "The staging box is flaky on Mondays."));
    await a.sync();
    await b.sync();
    expect(b.store.read("local", "staging-box").memory.body).toBe("The staging box is flaky on Mondays.");
  });

  it("another project's local memory does not follow", async () => {
    const other = twoMachines({ originB: "git@github.com:me/other.git" });
    try {
      await other.a.store.write("local", memory("staging-box", "Flaky on Mondays."));
      await other.a.sync();
      await other.b.sync();
      expect(other.b.store.exists("local", "staging-box")).toBe(false);
    } finally {
      other.cleanup();
    }
  });

  it("a secret in a hand edit is redacted before anything is committed or pushed", async () => {
    const { a, remote } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    const key = secrets.githubClassic();
    const file = a.store.filePath("user", "deploy-steps");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("zeppelin script.", `zeppelin script with token ${key}`),
    );
    await a.sync();
    const pushed = git(remote, ["show", "tacit/user:deploy-steps.md"]);
    expect(pushed).toContain("zeppelin script with token");
    expect(pushed).not.toContain(key);
    expect(git(remote, ["log", "-p", "tacit/user"])).not.toContain(key);
  });

  it("refuses a remote git would read as an option, running nothing", async () => {
    const { a } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    const marker = path.join(setup.root, "ran");
    const attempt = syncMemory({
      home: a.home,
      remote: `--upload-pack=touch ${marker}`,
      folders: { user: a.store.folders.user },
      projectRoot: a.projectRoot,
      interactive: false,
    });
    await expect(attempt).rejects.toThrow(/is not a git remote/);
    expect(existsSync(marker)).toBe(false);
  });

  it("an unreachable remote fails with one line, loses nothing, and is said once at the next start", async () => {
    const { a } = setup;
    await a.store.write("user", memory("deploy-steps", "Deploy with the zeppelin script."));
    const missing = path.join(setup.root, "no-such-remote.git");
    const attempt = syncMemory({
      home: a.home,
      remote: missing,
      folders: { user: a.store.folders.user },
      projectRoot: a.projectRoot,
      interactive: false,
    });
    await expect(attempt).rejects.toThrow(/no-such-remote\.git/);
    await attempt.catch((error: Error) => expect(error.message.split("\n")).toHaveLength(1));
    expect(a.store.read("user", "deploy-steps").memory.body).toBe("Deploy with the zeppelin script.");
    expect(takeSyncFailureNotice(a.home)).toMatch(
      /^memory sync failed \(.*no-such-remote\.git.*\); memory works/,
    );
    expect(takeSyncFailureNotice(a.home)).toBeUndefined();

    // Back online: the next sync catches up.
    await a.sync();
    expect(git(setup.remote, ["show", "tacit/user:deploy-steps.md"])).toContain("zeppelin");
  });
});
