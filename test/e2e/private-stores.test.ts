// Another local user cannot read tacit's secrets or transcripts: through the built CLI, under the usual
// umask (022), ~/.tacit is 0700 and the files that hold tokens, sessions and prompts are 0600.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("tacit's stores are the user's alone", () => {
  let umask: number;
  // The CLI's processes inherit it.
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });
  const e2e = e2eFixture({ perTest: true });

  it("an MCP server's header and a sync remote's token are written to a 0600 settings file in a 0700 home", async () => {
    const { home } = e2e.workspace;
    const added = await e2e.run([
      "mcp",
      "add",
      "docs",
      "--url",
      "http://127.0.0.1:9/mcp",
      "--header",
      "Authorization: Bearer mcp-token-0123456789",
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(modeOf(home)).toBe(0o700);
    expect(modeOf(path.join(home, "settings.json"))).toBe(0o600);

    chmodSync(path.join(home, "settings.json"), 0o644);
    const remote = await e2e.run([
      "memory",
      "remote",
      "set",
      "https://me:sync-token-42@example.com/memory.git",
    ]);
    expect(remote.code, remote.stderr).toBe(0);
    expect(readFileSync(path.join(home, "settings.json"), "utf8")).toContain("sync-token-42");
    expect(modeOf(path.join(home, "settings.json"))).toBe(0o600);
  });

  it("a home an earlier tacit left 0755 is tightened at the next run, quietly; the database and an export are 0600", async () => {
    const { home } = e2e.workspace;
    mkdirSync(home, { recursive: true, mode: 0o755 });
    chmodSync(home, 0o755);
    writeFileSync(path.join(home, "settings.json"), "{}\n");
    writeFileSync(path.join(home, "history.jsonl"), '{"text":"old prompt"}\n');
    expect(modeOf(path.join(home, "history.jsonl"))).toBe(0o644);
    e2e.server.enqueue({ text: "hello" });
    const result = await e2e.print("hi", ["--output-format", "json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(modeOf(home)).toBe(0o700);
    // The -wal and -shm are gone once the last connection closes (their modes: test/config/private-store.test.ts).
    for (const name of ["settings.json", "history.jsonl", "tacit.db"])
      expect([name, modeOf(path.join(home, name))]).toEqual([name, 0o600]);

    const sessionId = (JSON.parse(result.stdout) as { session_id: string }).session_id;
    const exported = e2e.inProject("session.jsonl");
    const exportRun = await e2e.run(["sessions", "export", sessionId, "--output", exported]);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    expect(readFileSync(exported, "utf8")).toContain("hello");
    expect(modeOf(exported)).toBe(0o600);
  });
});
