import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { recallsOf } from "../../src/session/recall-log.ts";
import { git } from "../memory/store/helpers.ts";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });
const DAY_MS = 24 * 60 * 60 * 1_000;
const LONG_AGO = new Date(Date.now() - 200 * DAY_MS).toISOString();

const userFolder = () => path.join(e2e.workspace.home, "memory");

/** A user memory written by hand, last changed `when`. */
function plant(name: string, description: string, body: string, when: string, extra = ""): void {
  mkdirSync(userFolder(), { recursive: true });
  writeFileSync(
    path.join(userFolder(), `${name}.md`),
    `---\nname: ${name}\ndescription: ${description}\ntype: preference\ncreated: ${when}\nupdated: ${when}\n${extra}---\n\n${body}\n`,
  );
}

async function ok(args: string[]): Promise<string> {
  const result = await e2e.run(args);
  if (result.code !== 0) throw new Error(`tacit ${args.join(" ")} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

function recallsOfMemory(memoryId: string) {
  const database = new DatabaseSync(path.join(e2e.workspace.home, "tacit.db"));
  try {
    return recallsOf(database, memoryId);
  } finally {
    database.close();
  }
}

function unusedIn(doctorJson: string): string[] {
  return JSON.parse(doctorJson)
    .findings.filter((finding: { kind: string }) => finding.kind === "unused")
    .flatMap((finding: { memories: string[] }) => finding.memories);
}

describe("the recall log", () => {
  it("records what recall and the memory tool put before the model, and the doctor's unused report uses it", async () => {
    plant(
      "use-pnpm",
      "this user installs with pnpm, never npm",
      "Install packages with `pnpm add`.",
      LONG_AGO,
    );
    plant("staging-db", "The staging database lives in Frankfurt", "Staging is in eu-central-1.", LONG_AGO);
    expect(unusedIn(await ok(["memory", "doctor", "--json"])).sort()).toEqual([
      "user/staging-db",
      "user/use-pnpm",
    ]);

    e2e.server.enqueue({ text: "I'll run pnpm add lodash." });
    const first = await e2e.print("install the lodash package", ["--output-format", "json"]);
    expect(first.code).toBe(0);
    const sessionId = JSON.parse(first.stdout).session_id as string;
    expect(e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text).toContain("pnpm add");
    expect(recallsOfMemory("user/use-pnpm")).toEqual([{ sessionId, turn: 1, at: expect.any(String) }]);
    expect(unusedIn(await ok(["memory", "doctor", "--json"]))).toEqual(["user/staging-db"]);

    // The model opening a memory with the memory tool is a use too, counted in the turn it happened.
    e2e.server.enqueue(
      { toolCalls: [{ name: "memory", input: { command: "view", path: "/memories/user/staging-db.md" } }] },
      { text: "Staging is in Frankfurt." },
    );
    const second = await e2e.print("where was that server again?", ["--continue"]);
    expect(second.code).toBe(0);
    expect(recallsOfMemory("user/staging-db")).toEqual([{ sessionId, turn: 2, at: expect.any(String) }]);
    expect(unusedIn(await ok(["memory", "doctor", "--json"]))).toEqual([]);
    // Counted from creation: with a window shorter than the memories' age, they are still in use.
    expect(unusedIn(await ok(["memory", "doctor", "--json", "--unused-days", "1"]))).toEqual([]);
  });
});

describe("decay", () => {
  it("drops an old unused memory from the index, memory search still finds it, and a pinned one stays", async () => {
    plant("staging-db", "The staging database lives in Frankfurt", "Staging is in eu-central-1.", LONG_AGO);
    plant(
      "release-day",
      "Releases go out on Tuesdays",
      "Never release on a Friday.",
      LONG_AGO,
      "pinned: true\n",
    );
    plant("tabs", "Tabs in shell scripts", "Indent shell scripts with tabs.", new Date().toISOString());

    e2e.server.enqueue({ text: "Hello." });
    expect((await e2e.print("hello")).code).toBe(0);
    const system = e2e.server.requests.at(-1)!.normalized.system;
    expect(system).toContain("- tabs [preference]: Tabs in shell scripts");
    expect(system).toContain("- release-day [preference]: Releases go out on Tuesdays");
    expect(system).not.toContain("staging-db");
    expect(system).toContain("(1 memory not used for 90 days left out; still searchable and recallable");

    expect(await ok(["memory", "search", "staging", "database"])).toContain("staging-db");

    // memory.decayDays in settings moves the cut-off: at 365 days nothing has decayed.
    e2e.writeUserSettings({ memory: { decayDays: 365 } });
    e2e.server.enqueue({ text: "Hello." });
    expect((await e2e.print("hello")).code).toBe(0);
    expect(e2e.server.requests.at(-1)!.normalized.system).toContain("- staging-db [preference]");
  });

  it("tacit memory pin and unpin set the flag, a commit each", async () => {
    await ok([
      "remember",
      "--scope",
      "user",
      "--name",
      "staging-db",
      "The staging database lives in Frankfurt",
    ]);
    const commits = () => Number(git(userFolder(), ["rev-list", "--count", "HEAD"]).trim());
    const before = commits();
    expect(await ok(["memory", "pin", "staging-db"])).toContain("Pinned user memory staging-db");
    expect(readFileSync(path.join(userFolder(), "staging-db.md"), "utf8")).toContain("\npinned: true\n");
    expect(await ok(["memory", "pin", "staging-db"])).toContain("already pinned");
    expect(await ok(["memory", "unpin", "staging-db"])).toContain("Unpinned user memory staging-db");
    expect(readFileSync(path.join(userFolder(), "staging-db.md"), "utf8")).not.toContain("pinned");
    expect(commits()).toBe(before + 2);
  });
});
