import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { secrets } from "./secret-generators.ts";
import { git, memory, twoMachines } from "./sync-machines.ts";

const userScope = <T extends { scope: string }>(scopes: T[]) =>
  scopes.find((scope) => scope.scope === "user");

describe("only memory files are committed, pushed and taken from a sync remote", () => {
  let setup: ReturnType<typeof twoMachines>;
  beforeEach(() => {
    setup = twoMachines();
  });
  afterEach(() => setup.cleanup());

  it("files beside the memories (notes.txt, sub/.env) are never committed nor pushed, and are named once", async () => {
    const { a, remote } = setup;
    await a.store.write("user", memory("seed", "A first memory."));
    const key = secrets.githubClassic();
    const folder = a.store.folders.user;
    writeFileSync(path.join(folder, "notes.txt"), `GITHUB_TOKEN=${key}\n`);
    mkdirSync(path.join(folder, "sub"));
    writeFileSync(path.join(folder, "sub", ".env"), `GITHUB_TOKEN=${key}\n`);
    writeFileSync(path.join(folder, "blob.bin"), Buffer.from([0, 1, 2, 3]));

    const report = await a.sync();
    expect(userScope(report.scopes)?.notices.join("\n")).toMatch(/left out .*notes\.txt.*sub\/\.env/);
    const pushed = git(remote, ["ls-tree", "-r", "--name-only", "tacit/user"]).split("\n").filter(Boolean);
    expect(pushed.sort()).toEqual([".gitattributes", ".gitignore", "seed.md"]);
    expect(git(remote, ["log", "-p", "tacit/user"])).not.toContain(key);
    // Left alone on disk, and not named again by the next change.
    expect(readFileSync(path.join(folder, "notes.txt"), "utf8")).toContain(key);
    await a.store.write("user", memory("second", "Another memory."));
    expect(a.store.takeNotices().join("\n")).not.toMatch(/notes\.txt/);
    expect(git(folder, ["status", "--porcelain"]).trim()).toBe("");
  });

  it("files that are not memory, committed by an older tacit, stop being tracked at the next sync", async () => {
    const { a, remote } = setup;
    await a.store.write("user", memory("seed", "A first memory."));
    const folder = a.store.folders.user;
    writeFileSync(path.join(folder, "notes.txt"), "old notes\n");
    git(folder, ["add", "notes.txt"]);
    git(folder, ["commit", "-qm", "as an older tacit did"]);

    const report = await a.sync();
    expect(userScope(report.scopes)?.notices.join("\n")).toMatch(/no longer tracks .*notes\.txt/);
    expect(git(remote, ["ls-tree", "--name-only", "tacit/user"])).not.toContain("notes.txt");
    expect(readFileSync(path.join(folder, "notes.txt"), "utf8")).toBe("old notes\n");
  });

  it("a hostile remote plants nothing but regular top-level memory files, redacted and within the cap", async () => {
    const { a, b, remote, root } = setup;
    await b.store.write("user", memory("own", "B's own memory."));
    const key = secrets.githubClassic();
    const outside = path.join(root, "id_rsa");
    writeFileSync(outside, "PRIVATE KEY\n");
    const attacker = path.join(root, "attacker");
    mkdirSync(attacker);
    git(attacker, ["init", "-q"]);
    writeFileSync(
      path.join(attacker, "planted.md"),
      `---\nname: planted\ndescription: planted\ntype: reference\n---\nThe token is ${key}\n`,
    );
    symlinkSync(outside, path.join(attacker, "leak.md"));
    symlinkSync(root, path.join(attacker, "homelink"));
    mkdirSync(path.join(attacker, "deep"));
    writeFileSync(path.join(attacker, "deep", "notes.md"), "hi\n");
    writeFileSync(path.join(attacker, ".gitattributes"), "* filter=evil\n");
    writeFileSync(path.join(attacker, "huge.md"), "x".repeat(300 * 1024));
    git(attacker, ["add", "-A"]);
    git(attacker, ["commit", "-qm", "plant"]);

    // A first sync into an empty user scope (A has none), and a merge into one with history (B).
    for (const machine of [a, b]) {
      // Each meets the attacker's branch as pushed, not the one the other machine cleaned.
      git(attacker, ["push", "-q", "-f", remote, "HEAD:refs/heads/tacit/user"]);
      const report = await machine.sync();
      expect(userScope(report.scopes)?.notices.join("\n")).toMatch(/skipped 4 file\(s\)/);
      const folder = machine.store.folders.user;
      const names = readdirSync(folder).filter((name) => !name.startsWith("."));
      expect(names).not.toContain("leak.md");
      expect(names).not.toContain("homelink");
      expect(names).not.toContain("deep");
      expect(names).not.toContain("huge.md");
      expect(names).toContain("planted.md");
      expect(lstatSync(path.join(folder, "planted.md")).isFile()).toBe(true);
      expect(readFileSync(path.join(folder, "planted.md"), "utf8")).not.toContain(key);
      expect(readFileSync(path.join(folder, ".gitattributes"), "utf8")).not.toContain("evil");
    }
    expect(existsSync(path.join(b.store.folders.user, "own.md"))).toBe(true);
  });
});
