import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Memory, parseMemoryFile, serializeMemory } from "../../src/memory/memory-file.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { conflictBody, conflictVersions, resolvedMemory } from "../../src/memory/sync/conflict.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { makeSandbox, type Sandbox } from "./store/helpers.ts";

const versions = {
  local: "Deploy with the zeppelin script.",
  remote: "Deploy with the marmoset script, after the smoke test.",
  localLabel: "this machine, updated 2026-11-27T22:00:00.000Z",
  remoteLabel: "the remote, updated 2026-11-27T22:01:00.000Z",
};

function conflicted(name = "deploy-steps"): Memory {
  return {
    name,
    description: "how we deploy",
    type: "project",
    conflict: true,
    body: conflictBody(versions),
  };
}

describe("the conflict marker", () => {
  it("round-trips `conflict: true` through the file, and never writes `conflict: false`", () => {
    const text = serializeMemory(conflicted());
    expect(text).toMatch(/^conflict: true$/m);
    const { memory, warnings } = parseMemoryFile(text, "deploy-steps");
    expect(warnings).toEqual([]);
    expect(memory.conflict).toBe(true);
    expect(serializeMemory({ ...memory, conflict: false })).not.toMatch(/^conflict:/m);
    expect(
      parseMemoryFile(serializeMemory(resolvedMemory(memory, "x")), "deploy-steps").memory,
    ).not.toHaveProperty("conflict");
  });

  it("warns about a conflict value that is not true or false, and reads the memory as settled", () => {
    const parsed = parseMemoryFile(
      "---\nname: a\ndescription: d\ntype: project\nconflict: maybe\n---\nbody\n",
      "a",
    );
    expect(parsed.memory.conflict).toBeUndefined();
    expect(parsed.warnings).toContain("conflict is not true or false; ignored");
  });

  it("gives back both texts and their labels; nothing when the flag or the markers are missing", () => {
    expect(conflictVersions(conflicted())).toEqual(versions);
    expect(conflictVersions({ ...conflicted(), conflict: undefined })).toBeUndefined();
    expect(conflictVersions({ ...conflicted(), body: "someone removed the markers" })).toBeUndefined();
  });

  it("tells a nested conflict (one side was itself unsettled) from the outer one", () => {
    const inner = conflictBody(versions);
    const outer = conflictBody({ ...versions, local: inner, remote: "A third text." });
    const found = conflictVersions({ ...conflicted(), body: outer });
    expect(found?.local).toBe(inner);
    expect(found?.remote).toBe("A third text.");
    expect(conflictVersions({ ...conflicted(), body: found?.local ?? "" })).toEqual(versions);
  });

  it("keeps the labels on one line and the comment closed whatever they hold", () => {
    const body = conflictBody({ ...versions, localLabel: "two\nlines --> here" });
    expect(conflictVersions({ ...conflicted(), body })?.localLabel).toBe("two lines —> here");
  });

  it("resolvedMemory sets the chosen body and clears the flag, keeping the rest", () => {
    const resolved = resolvedMemory(conflicted(), versions.remote);
    expect(resolved).toEqual({
      name: "deploy-steps",
      description: "how we deploy",
      type: "project",
      body: versions.remote,
    });
  });
});

describe("a conflicted memory in the store and the index", () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox();
  });
  afterEach(() => sandbox.cleanup());

  it("a write with a new body clears the flag; one that keeps the body keeps it", async () => {
    const { store } = sandbox;
    await store.write("user", conflicted());
    expect(store.read("user", "deploy-steps").conflict).toBe(true);
    expect(store.list("user")[0]?.conflict).toBe(true);

    await store.update("user", "deploy-steps", (current) => ({
      ...current!.memory,
      description: "deploying",
    }));
    expect(store.read("user", "deploy-steps").conflict).toBe(true);

    // The caller carries the old flag along with a body it chose: the store settles it.
    await store.update("user", "deploy-steps", (current) => ({ ...current!.memory, body: versions.remote }));
    const settled = store.read("user", "deploy-steps");
    expect(settled.conflict).toBe(false);
    expect(readFileSync(settled.filePath, "utf8")).not.toMatch(/^conflict:/m);
  });

  it("the always-in-context index line says (conflict), read from the manifest", async () => {
    const home = sandbox.home;
    await sandbox.store.write("user", conflicted());
    await sandbox.store.write("user", { ...conflicted("use-pnpm"), conflict: undefined, body: "pnpm" });
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    try {
      const service = new MemoryService({ database, home, projectRoot: sandbox.projectRoot });
      service.syncIndex();
      const section = service.renderIndexSection();
      expect(section).toContain("- deploy-steps [project] (conflict): how we deploy");
      expect(section).toContain("- use-pnpm [project]: how we deploy");
    } finally {
      database.close();
    }
  });
});
