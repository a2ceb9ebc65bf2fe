import { execFileSync } from "node:child_process";
import { chmod, lstat, mkdir, readdir, readFile, readlink, stat, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/config/atomic-write.ts";
import { applyPatchText } from "../../src/tools/apply-patch.ts";
import { editTextFile } from "../../src/tools/edit.ts";
import { writeTextFile } from "../../src/tools/write.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";

const modeOf = async (filePath: string) => (await stat(filePath)).mode & 0o7777;

describe("writeFileAtomic", () => {
  it("keeps an executable script executable", async () => {
    const directory = await makeTempDirectory();
    const script = path.join(directory, "run.sh");
    await writeFile(script, "#!/bin/sh\necho old\n");
    await chmod(script, 0o755);
    writeFileAtomic(script, "#!/bin/sh\necho new\n");
    expect(await modeOf(script)).toBe(0o755);
    expect(execFileSync(script, { encoding: "utf8" })).toBe("new\n");
  });

  it("keeps a private file private", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "token.txt");
    await writeFile(file, "old");
    await chmod(file, 0o600);
    writeFileAtomic(file, "new");
    expect(await modeOf(file)).toBe(0o600);
  });

  it("writes through a symlink: the link stays, its target changes", async () => {
    const directory = await makeTempDirectory();
    await mkdir(path.join(directory, "real"));
    const target = path.join(directory, "real", "config.json");
    await writeFile(target, "{}");
    const link = path.join(directory, "config.json");
    await symlink("real/config.json", link);
    writeFileAtomic(link, '{"a":1}');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe("real/config.json");
    expect(await readFile(target, "utf8")).toBe('{"a":1}');
    // No temp file left beside either.
    expect((await readdir(directory)).sort()).toEqual(["config.json", "real"]);
    expect(await readdir(path.join(directory, "real"))).toEqual(["config.json"]);
  });

  it("follows a chain of links and creates the target of a dangling one", async () => {
    const directory = await makeTempDirectory();
    const target = path.join(directory, "final.txt");
    await symlink("middle.txt", path.join(directory, "first.txt"));
    await symlink("final.txt", path.join(directory, "middle.txt"));
    writeFileAtomic(path.join(directory, "first.txt"), "made");
    expect(await readFile(target, "utf8")).toBe("made");
    expect((await lstat(path.join(directory, "first.txt"))).isSymbolicLink()).toBe(true);
    expect((await lstat(path.join(directory, "middle.txt"))).isSymbolicLink()).toBe(true);
  });

  it("gives a new file the default mode and creates its folders", async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "a", "b", "new.txt");
    writeFileAtomic(file, "hello");
    expect(await readFile(file, "utf8")).toBe("hello");
    const umask = process.umask();
    expect(await modeOf(file)).toBe(0o666 & ~umask);
  });

  it("writes a new file inside a symlinked folder into the real folder", async () => {
    const directory = await makeTempDirectory();
    await mkdir(path.join(directory, "real"));
    await symlink("real", path.join(directory, "alias"));
    writeFileAtomic(path.join(directory, "alias", "x.txt"), "x");
    expect(await readFile(path.join(directory, "real", "x.txt"), "utf8")).toBe("x");
    expect((await lstat(path.join(directory, "alias"))).isSymbolicLink()).toBe(true);
  });
});

describe("file tools keep modes and links", () => {
  it("Edit keeps a 755 script executable and edits a symlink's target", async () => {
    const directory = await makeTempDirectory();
    const context = makeContext(directory);
    const script = path.join(directory, "build.sh");
    await writeFile(script, "#!/bin/sh\necho one\n");
    await chmod(script, 0o755);
    const edited = await editTextFile(context, { path: "build.sh", oldString: "one", newString: "two" });
    expect(edited.isError).toBeUndefined();
    expect(await modeOf(script)).toBe(0o755);

    await symlink("build.sh", path.join(directory, "link.sh"));
    await editTextFile(context, { path: "link.sh", oldString: "two", newString: "three" });
    expect((await lstat(path.join(directory, "link.sh"))).isSymbolicLink()).toBe(true);
    expect(await readFile(script, "utf8")).toBe("#!/bin/sh\necho three\n");
    expect(await modeOf(script)).toBe(0o755);
  });

  it("Write overwrites through a symlink and keeps the mode", async () => {
    const directory = await makeTempDirectory();
    const script = path.join(directory, "tool.sh");
    await writeFile(script, "old");
    await chmod(script, 0o750);
    await symlink(script, path.join(directory, "alias.sh"));
    await writeTextFile(makeContext(directory), "alias.sh", "new");
    expect((await lstat(path.join(directory, "alias.sh"))).isSymbolicLink()).toBe(true);
    expect(await readFile(script, "utf8")).toBe("new");
    expect(await modeOf(script)).toBe(0o750);
  });

  it("apply_patch keeps the mode on update and on move", async () => {
    const directory = await makeTempDirectory();
    const context = makeContext(directory);
    const script = path.join(directory, "deploy.sh");
    await writeFile(script, "#!/bin/sh\necho a\n");
    await chmod(script, 0o755);
    const update =
      "*** Begin Patch\n*** Update File: deploy.sh\n@@\n #!/bin/sh\n-echo a\n+echo b\n*** End Patch";
    expect((await applyPatchText(context, update)).isError).toBeFalsy();
    expect(await modeOf(script)).toBe(0o755);
    const move =
      "*** Begin Patch\n*** Update File: deploy.sh\n*** Move to: bin/deploy.sh\n@@\n-echo b\n+echo c\n*** End Patch";
    expect((await applyPatchText(context, move)).isError).toBeFalsy();
    const moved = path.join(directory, "bin", "deploy.sh");
    expect(await readFile(moved, "utf8")).toBe("#!/bin/sh\necho c\n");
    expect(await modeOf(moved)).toBe(0o755);
  });
});
