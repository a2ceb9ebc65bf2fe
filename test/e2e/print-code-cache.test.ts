// The headless bundle's code cache (src/cli/print-bundle-loader.ts): made when a run ends well, taken by
// the next run, kept only in the user's private folder and never read through a link or from a folder
// others can write to. The built CLI, real files; TACIT_TRACE_STARTUP says what the loader did with it.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildIdOf, codeCacheName } from "../../src/cli/print-bundle-loader.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });
const printBundle = path.join(import.meta.dirname, "..", "..", "dist", "print", "print-entry.cjs");
const printSource = readFileSync(printBundle, "latin1");
const buildId = buildIdOf(printSource);
// The name a run here gives it: no NODE_OPTIONS, no arguments to node (the harness runs `node bin/tacit.js`).
const cacheName = codeCacheName(printBundle, printSource, {}, [])!;

const temporaryFolders: string[] = [];
afterEach(() => {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A temp folder of the test's own, standing for the system's: the private folder goes in it. */
function systemTemp(): { temp: string; privateFolder: string } {
  const temp = mkdtempSync(path.join(tmpdir(), "tacit-code-cache-"));
  temporaryFolders.push(temp);
  return { temp, privateFolder: path.join(temp, `tacit-${process.getuid?.()}`) };
}

async function run(temp: string, env: Record<string, string> = {}) {
  e2e.server.enqueue({ text: "hi" });
  const result = await e2e.print("say hi", ["--no-reflect"], {
    env: { TMPDIR: temp, XDG_RUNTIME_DIR: "", TACIT_TRACE_STARTUP: "1", ...env },
  });
  expect(result.stdout).toBe("hi\n");
  expect(result.code).toBe(0);
  const state = /\[startup\].*code cache (\w+)/.exec(result.stderr)?.[1];
  return { result, state };
}

describe.skipIf(process.getuid === undefined)("the headless bundle's code cache", () => {
  it("is named by the build's id, which is the hash of the bundle", () => {
    // V8 checks only the source's length: two builds of one length must not share a cache.
    const withoutId = readFileSync(printBundle, "latin1").replace(buildId!, "0".repeat(16));
    expect(createHash("sha256").update(withoutId, "latin1").digest("hex").slice(0, 16)).toBe(buildId);
  });

  it("is written by a run that ends well, owner-only, and taken by the next run", async () => {
    const { temp, privateFolder } = systemTemp();
    expect((await run(temp)).state).toBe("absent");
    const cache = path.join(privateFolder, cacheName);
    expect(statSync(cache).size).toBeGreaterThan(100_000);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    expect(statSync(privateFolder).mode & 0o777).toBe(0o700);
    expect((await run(temp)).state).toBe("accepted");
    // Nothing is left half-written beside it.
    expect(readdirSync(privateFolder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("one V8 refuses (damaged, or from another V8) costs only speed, and is written again", async () => {
    const { temp, privateFolder } = systemTemp();
    mkdirSync(privateFolder, { mode: 0o700 });
    const cache = path.join(privateFolder, cacheName);
    writeFileSync(cache, Buffer.alloc(4096, 7), { mode: 0o600 });
    expect((await run(temp)).state).toBe("rejected");
    expect(readFileSync(cache).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect((await run(temp)).state).toBe("accepted");
  });

  it("is never read from a folder others can write to, nor through a link", async () => {
    const { temp, privateFolder } = systemTemp();
    mkdirSync(privateFolder, { mode: 0o700 });
    chmodSync(privateFolder, 0o777);
    const planted = path.join(privateFolder, cacheName);
    writeFileSync(planted, Buffer.alloc(4096, 7));
    // Read, it would say "rejected": "absent" means the loader did not look.
    expect((await run(temp)).state).toBe("absent");
    expect(readFileSync(planted).equals(Buffer.alloc(4096, 7))).toBe(true);

    chmodSync(privateFolder, 0o700);
    rmSync(planted);
    const elsewhere = path.join(temp, "elsewhere.bin");
    writeFileSync(elsewhere, Buffer.alloc(4096, 7));
    symlinkSync(elsewhere, planted);
    expect((await run(temp)).state).toBe("absent");
    // The run's own cache replaced the link; what it pointed at is untouched.
    expect(readFileSync(elsewhere).equals(Buffer.alloc(4096, 7))).toBe(true);
    expect(lstatSync(planted).isFile()).toBe(true);
    expect((await run(temp)).state).toBe("accepted");
  });

  it("is left out with --enable-source-maps, which Node honours for what require loads, not for vm.Script", async () => {
    const { temp, privateFolder } = systemTemp();
    expect((await run(temp, { NODE_OPTIONS: "--enable-source-maps" })).state).toBeUndefined();
    expect(existsSync(path.join(privateFolder, cacheName))).toBe(false);
  });

  it("is not read when it is not this user's alone, and a named pipe in its place does not hang the run", async () => {
    const { temp, privateFolder } = systemTemp();
    mkdirSync(privateFolder, { mode: 0o700 });
    const cache = path.join(privateFolder, cacheName);
    writeFileSync(cache, Buffer.alloc(4096, 7));
    chmodSync(cache, 0o666);
    expect((await run(temp)).state).toBe("absent");
    if (process.getuid?.() === 0) {
      // Another user's file (root can make one): the owner is checked on the open file, not the name.
      chmodSync(cache, 0o600);
      chownSync(cache, 65534, 65534);
      expect((await run(temp)).state).toBe("absent");
    }
    rmSync(cache);
    execFileSync("mkfifo", [cache]);
    expect((await run(temp)).state).toBe("absent");
  });

  it("is kept only in a runtime folder that is the user's own (mode 0700)", async () => {
    const { temp } = systemTemp();
    const runtime = path.join(temp, "runtime");
    mkdirSync(runtime, { mode: 0o755 });
    chmodSync(runtime, 0o755);
    // Another user's runtime folder (a `su` keeps it): nothing is written there, nor read.
    expect((await run(temp, { XDG_RUNTIME_DIR: runtime })).state).toBe("absent");
    expect(readdirSync(runtime)).toEqual([]);
    chmodSync(runtime, 0o700);
    expect((await run(temp, { XDG_RUNTIME_DIR: runtime })).state).toBe("absent");
    expect(readdirSync(path.join(runtime, "tacit"))).toContain(cacheName);
  });

  it("belongs to one load of the bundle, also when the fast parser hands the line to the full CLI", async () => {
    // --allowed-tools is read by commander only: the launcher's copy of the bundle hands back, and the
    // full CLI's -p must take that same copy, not compile and run a second one.
    const { temp } = systemTemp();
    e2e.server.enqueue({ text: "hi" });
    const result = await e2e.print("say hi", ["--no-reflect", "--allowed-tools", "Bash(ls:*)"], {
      env: { TMPDIR: temp, XDG_RUNTIME_DIR: "", TACIT_TRACE_STARTUP: "1" },
    });
    expect(result.stdout).toBe("hi\n");
    // The full CLI is a bundle of its own (dist/cli.cjs), with a cache of its own.
    expect(result.stderr.match(/code cache \w+: \S+/g)).toEqual([
      "code cache absent: print-entry.cjs",
      "code cache absent: cli.cjs",
    ]);
  });

  it("keeps Node's own compile cache in the private folder too, not in the shared temp folder", async () => {
    // Node's default is <temp>/node-compile-cache, found by name: another user could make it first.
    const { temp, privateFolder } = systemTemp();
    const version = await e2e.run(["--version"], { env: { TMPDIR: temp, XDG_RUNTIME_DIR: "" } });
    expect(version.code).toBe(0);
    expect(existsSync(path.join(temp, "node-compile-cache"))).toBe(false);
    expect(readdirSync(path.join(privateFolder, "node-compile-cache")).length).toBeGreaterThan(0);
  });

  it("is not written by a run that fails, nor when NODE_DISABLE_COMPILE_CACHE is set", async () => {
    const { temp, privateFolder } = systemTemp();
    const failed = await e2e.print("say hi", ["--no-reflect", "--model", "nosuchprovider/x"], {
      env: { TMPDIR: temp, XDG_RUNTIME_DIR: "" },
    });
    expect(failed.code).not.toBe(0);
    expect(existsSync(path.join(privateFolder, cacheName))).toBe(false);
    expect((await run(temp, { NODE_DISABLE_COMPILE_CACHE: "1" })).state).toBe("absent");
    expect(existsSync(path.join(privateFolder, cacheName))).toBe(false);
  });
});
