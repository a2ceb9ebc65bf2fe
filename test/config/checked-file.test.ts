import {
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LinkOutsideError, writeFileAtomic, writeFileAtRealPath } from "../../src/config/atomic-write.ts";
import { openAtRealPath, PathChangedError } from "../../src/config/checked-file.ts";
import { resolveThroughLinks } from "../../src/config/real-path.ts";
import { makeTempDirectory } from "../tools/helpers.ts";

const READ = constants.O_RDONLY;

/** A project folder and, beside it, a secret outside it. */
async function layout() {
  const root = await makeTempDirectory("tacit-checked-");
  const project = path.join(root, "project");
  const outside = path.join(root, "outside");
  mkdirSync(project);
  mkdirSync(outside);
  const secret = path.join(outside, "id_ed25519");
  writeFileSync(secret, "SECRETKEYDATA\n");
  return { root, project, outside, secret };
}

describe("openAtRealPath: the file that was checked, or nothing", () => {
  it("opens a plain file at its real path", async () => {
    const { project } = await layout();
    const file = path.join(project, "x");
    writeFileSync(file, "plain\n");
    const handle = await openAtRealPath(resolveThroughLinks(file), READ);
    expect(await handle.readFile("utf8")).toBe("plain\n");
    await handle.close();
  });

  it("refuses when the file became a link after its real path was judged", async () => {
    const { project, secret } = await layout();
    const file = path.join(project, "x");
    writeFileSync(file, "plain\n");
    const judged = resolveThroughLinks(file);
    // The swap, between the check and the open.
    rmSync(file);
    symlinkSync(secret, file);
    await expect(openAtRealPath(judged, READ)).rejects.toBeInstanceOf(PathChangedError);
  });

  it("refuses when a folder on the path became a link after the check", async () => {
    const { project, outside } = await layout();
    const folder = path.join(project, "d");
    mkdirSync(folder);
    writeFileSync(path.join(folder, "x"), "plain\n");
    writeFileSync(path.join(outside, "x"), "SECRETKEYDATA\n");
    const judged = resolveThroughLinks(path.join(folder, "x"));
    renameSync(folder, path.join(project, "d-away"));
    symlinkSync(outside, folder);
    const opening = openAtRealPath(judged, READ);
    await expect(opening).rejects.toBeInstanceOf(PathChangedError);
    await expect(opening).rejects.toThrow(/folder on its path/);
  });
});

describe("writeFileAtRealPath: writes land where they were checked", () => {
  it("refuses a target that became a link, and writes nothing outside", async () => {
    const { project, outside } = await layout();
    const file = path.join(project, "x");
    writeFileSync(file, "plain\n");
    const judged = resolveThroughLinks(file);
    const target = path.join(outside, "target.txt");
    rmSync(file);
    symlinkSync(target, file);
    expect(() => writeFileAtRealPath(judged, "INJECTED\n")).toThrow(PathChangedError);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(project)).toEqual(["x"]);
  });

  it("refuses when a folder on the path became a link, leaving no temp file anywhere", async () => {
    const { project, outside } = await layout();
    const folder = path.join(project, "d");
    mkdirSync(folder);
    const judged = resolveThroughLinks(path.join(folder, "x"));
    renameSync(folder, path.join(project, "d-away"));
    symlinkSync(outside, folder);
    expect(() => writeFileAtRealPath(judged, "INJECTED\n")).toThrow(/folder on its path/);
    expect(readdirSync(outside)).toEqual(["id_ed25519"]);
    expect(readdirSync(path.join(project, "d-away"))).toEqual([]);
  });

  it("writes a plain file in place, atomically", async () => {
    const { project } = await layout();
    const file = path.join(project, "sub", "x");
    writeFileAtRealPath(file, "made\n");
    expect(readFileSync(file, "utf8")).toBe("made\n");
    expect(readdirSync(path.join(project, "sub"))).toEqual(["x"]);
  });
});

describe("writeFileAtomic within a project", () => {
  it("refuses a link leading out of the project in one line, and creates nothing there", async () => {
    const { project, outside } = await layout();
    mkdirSync(path.join(project, ".tacit"));
    const link = path.join(project, ".tacit", "settings.local.json");
    const target = path.join(outside, "settings.json");
    symlinkSync(target, link);
    expect(() => writeFileAtomic(link, "{}\n", { within: project })).toThrow(LinkOutsideError);
    expect(() => writeFileAtomic(link, "{}\n", { within: project })).toThrow(
      /did not write .*settings\.local\.json: it is a link leading out of/,
    );
    expect(existsSync(target)).toBe(false);
  });

  it("follows a link that stays inside the project", async () => {
    const { project } = await layout();
    mkdirSync(path.join(project, "config"));
    const link = path.join(project, "settings.json");
    symlinkSync("config/tacit.json", link);
    writeFileAtomic(link, '{"a":1}\n', { within: project });
    expect(readFileSync(path.join(project, "config", "tacit.json"), "utf8")).toBe('{"a":1}\n');
  });
});
