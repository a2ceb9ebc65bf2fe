// tacit's home and the stores in it that hold secrets or transcripts are the user's alone under
// the usual umask (022), and a home an earlier tacit left open is tightened once.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPromptHistory } from "../../src/cli/tui-files.ts";
import { ensureOwnerOnlyFile, ensurePrivateHome } from "../../src/config/private-store.ts";
import { setUserSyncRemote } from "../../src/config/sync-settings.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";

let base: string;
let umask: number;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "tacit-private-home-"));
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(base, { recursive: true, force: true });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("tacit's home and its private stores", () => {
  it("makes a new home 0700, and tightens one left 0755 with the files in it, leaving its folders' files alone", () => {
    const fresh = path.join(base, "fresh", ".tacit");
    ensurePrivateHome(fresh);
    expect(modeOf(fresh)).toBe(0o700);

    const old = path.join(base, "old");
    mkdirSync(path.join(old, "memory"), { recursive: true });
    chmodSync(old, 0o755);
    writeFileSync(path.join(old, "settings.json"), '{"apiKey":"k"}');
    writeFileSync(path.join(old, "memory", "note.md"), "a memory");
    expect(modeOf(path.join(old, "settings.json"))).toBe(0o644);
    ensurePrivateHome(old);
    expect(modeOf(old)).toBe(0o700);
    expect(modeOf(path.join(old, "settings.json"))).toBe(0o600);
    // Memory files keep the umask's mode: the 0700 home already keeps others out.
    expect(modeOf(path.join(old, "memory", "note.md"))).toBe(0o644);
  });

  it("leaves the user's home folder as it is when TACIT_HOME names it", () => {
    const userHome = path.join(base, "user");
    mkdirSync(userHome);
    chmodSync(userHome, 0o755);
    writeFileSync(path.join(userHome, ".profile"), "export A=1\n");
    const saved = process.env.HOME;
    process.env.HOME = userHome;
    try {
      ensurePrivateHome(userHome);
    } finally {
      process.env.HOME = saved;
    }
    expect(modeOf(userHome)).toBe(0o755);
    expect(modeOf(path.join(userHome, ".profile"))).toBe(0o644);
  });

  it("changes nothing through a link: the folder it names is not tacit's to tighten", () => {
    const target = path.join(base, "shared");
    mkdirSync(target);
    chmodSync(target, 0o755);
    const link = path.join(base, "link");
    symlinkSync(target, link);
    ensurePrivateHome(link);
    expect(modeOf(target)).toBe(0o755);
  });

  it("creates a missing file 0600 only when asked, and tightens an existing one", () => {
    const file = path.join(base, "history.jsonl");
    ensureOwnerOnlyFile(file, { create: false });
    expect(existsSync(file)).toBe(false);
    ensureOwnerOnlyFile(file, { create: true });
    expect(modeOf(file)).toBe(0o600);
    chmodSync(file, 0o644);
    ensureOwnerOnlyFile(file, { create: false });
    expect(modeOf(file)).toBe(0o600);
  });

  it("the database and its -wal and -shm are 0600, a database kept 0644 before included", () => {
    const home = path.join(base, "home");
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    database.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    for (const name of ["tacit.db", "tacit.db-wal", "tacit.db-shm"])
      expect(modeOf(path.join(home, name))).toBe(0o600);
    expect(modeOf(home)).toBe(0o700);
    database.close();

    const older = path.join(base, "older");
    mkdirSync(older);
    const kept = openTacitDatabase(path.join(older, "tacit.db"));
    kept.close();
    chmodSync(path.join(older, "tacit.db"), 0o644);
    openTacitDatabase(path.join(older, "tacit.db")).close();
    expect(modeOf(path.join(older, "tacit.db"))).toBe(0o600);
  });

  it("the sync remote's settings file and the prompt history are 0600", async () => {
    const home = path.join(base, "home");
    setUserSyncRemote(home, "https://me:token-123@example.com/memory.git");
    expect(modeOf(path.join(home, "settings.json"))).toBe(0o600);
    expect(modeOf(home)).toBe(0o700);
    const history = createPromptHistory(home, base);
    await history.append("fix the login page");
    expect(modeOf(path.join(home, "history.jsonl"))).toBe(0o600);
    chmodSync(path.join(home, "history.jsonl"), 0o644);
    await history.append("again");
    expect(modeOf(path.join(home, "history.jsonl"))).toBe(0o600);
  });
});
