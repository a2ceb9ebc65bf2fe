import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { probeSandbox } from "../../src/sandbox/availability.ts";
import { makeTempDirectory } from "../tools/helpers.ts";

/** A stand-in bwrap on its own PATH folder that counts its starts and succeeds or fails as told. */
async function countingBubblewrap(
  works: boolean,
): Promise<{ env: NodeJS.ProcessEnv; starts: () => number; binary: string }> {
  const folder = await makeTempDirectory("tacit-counting-bwrap-");
  const runtime = await makeTempDirectory("tacit-runtime-");
  const binary = path.join(folder, "bwrap");
  const log = path.join(folder, "starts.log");
  writeFileSync(
    binary,
    `#!/bin/sh\necho started >> '${log}'\n${works ? "exit 0" : "echo 'bwrap: No permissions to create a new namespace' >&2; exit 1"}\n`,
  );
  chmodSync(binary, 0o755);
  const starts = () => {
    try {
      return readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { env: { PATH: folder, XDG_RUNTIME_DIR: runtime }, starts, binary };
}

describe.runIf(process.platform === "linux")("a remembered sandbox probe", () => {
  it("starts the sandbox once, then trusts the success until something it depends on changes", async () => {
    const { env, starts, binary } = await countingBubblewrap(true);
    const available = { available: true, kind: "bubblewrap", binary };
    expect(await probeSandbox(env)).toEqual(available);
    expect(await probeSandbox(env)).toEqual(available);
    expect(starts()).toBe(1);
    // `tacit doctor` asks for a real start.
    expect(await probeSandbox(env, { fresh: true })).toEqual(available);
    expect(starts()).toBe(2);
    // Another bwrap (here: the same path, other bytes) is probed again.
    writeFileSync(binary, `${readFileSync(binary, "utf8")}# updated\n`);
    expect(await probeSandbox(env)).toEqual(available);
    expect(starts()).toBe(3);
  });

  it("never remembers a failure: a sandbox that could not start is probed again", async () => {
    const { env, starts } = await countingBubblewrap(false);
    for (let run = 0; run < 2; run++) expect(await probeSandbox(env)).toMatchObject({ available: false });
    expect(starts()).toBe(2);
  });

  it("ignores a folder others can write to, and a success older than a day", async () => {
    const { env, starts } = await countingBubblewrap(true);
    await probeSandbox(env);
    const folder = path.join(env.XDG_RUNTIME_DIR!, "tacit");
    chmodSync(folder, 0o777);
    await probeSandbox(env);
    expect(starts()).toBe(2);
    chmodSync(folder, 0o700);
    const file = path.join(folder, "sandbox-probe.json");
    const saved = JSON.parse(readFileSync(file, "utf8")) as { key: string; at: number };
    writeFileSync(file, JSON.stringify({ key: saved.key, at: Date.now() - 25 * 60 * 60 * 1000 }));
    await probeSandbox(env);
    expect(starts()).toBe(3);
  });

  it("neither reads nor writes through a link planted at its file's name", async () => {
    const { env, starts, binary } = await countingBubblewrap(true);
    await probeSandbox(env);
    const folder = path.join(env.XDG_RUNTIME_DIR!, "tacit");
    const file = path.join(folder, "sandbox-probe.json");
    const forged = readFileSync(file, "utf8");
    const victim = path.join(await makeTempDirectory("tacit-victim-"), "precious.txt");
    writeFileSync(victim, forged); // a valid-looking success, reached only through a link
    rmSync(file);
    symlinkSync(victim, file);
    expect(await probeSandbox(env)).toMatchObject({ available: true, binary });
    expect(starts()).toBe(2);
    // The success was saved by replacing the link, not by writing into what it pointed at.
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readFileSync(victim, "utf8")).toBe(forged);
  });

  it("is not kept in a folder named by a relative XDG_RUNTIME_DIR", async () => {
    const { env, starts } = await countingBubblewrap(true);
    const relative = `tacit-relative-runtime-${process.pid}`;
    try {
      for (let run = 0; run < 2; run++) await probeSandbox({ ...env, XDG_RUNTIME_DIR: relative });
      expect(starts()).toBe(2);
      expect(existsSync(relative)).toBe(false);
    } finally {
      rmSync(relative, { recursive: true, force: true });
    }
  });

  it("forgets a success once a real probe fails, so a changed machine is not trusted for a day", async () => {
    const { env, starts, binary } = await countingBubblewrap(true);
    await probeSandbox(env);
    // The same size and time to the nanosecond (touch -r), other behaviour: the key cannot tell.
    const reference = `${binary}.reference`;
    execFileSync("touch", ["-r", binary, reference]);
    writeFileSync(binary, readFileSync(binary, "utf8").replace("exit 0", "exit 1"));
    execFileSync("touch", ["-r", reference, binary]);
    expect(await probeSandbox(env)).toMatchObject({ available: true });
    expect(await probeSandbox(env, { fresh: true })).toMatchObject({ available: false });
    expect(await probeSandbox(env)).toMatchObject({ available: false });
    expect(starts()).toBe(3);
  });
});
