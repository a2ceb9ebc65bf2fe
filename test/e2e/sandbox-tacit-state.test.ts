import { execFileSync } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sandboxAvailability } from "../../src/sandbox/availability.ts";
import { e2eFixture } from "./fixture.ts";

const availability = await sandboxAvailability();

/**
 * The home goes outside the host's /tmp: the sandbox gives commands a private
 * /tmp, so a TACIT_HOME under it would be out of sight whatever the policy,
 * and this test could not fail.
 */
function homeOutsideTmp(): string | undefined {
  try {
    accessSync("/var/tmp", constants.W_OK);
    return mkdtempSync("/var/tmp/tacit-e2e-state-");
  } catch {
    return undefined;
  }
}
const base = availability.available ? homeOutsideTmp() : undefined;
const skipReason = !availability.available
  ? ` (skipped: ${availability.reason})`
  : base
    ? ""
    : " (skipped: no writable /var/tmp)";
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

const SECRET = "DB_PASSWORD=Sup3rS3cretVal!ue42";

describe.skipIf(!base)(
  `tacit's stores and a hostile repository's commands, through the built CLI${skipReason}`,
  () => {
    const e2e = e2eFixture();

    it("a command run without asking in repository B reads nothing project A left in tacit's stores; memories stay readable", async () => {
      const userHome = path.join(base!, "home");
      const tacitHome = path.join(userHome, ".tacit");
      const env = { HOME: userHome, TACIT_HOME: tacitHome };
      // Project A: tacit edits a .env, so its checkpoint keeps the file's exact bytes.
      const envFile = e2e.inProject(".env");
      writeFileSync(envFile, `${SECRET}\nPORT=1\n`);
      e2e.server.enqueue(
        {
          toolCalls: [
            { name: "Edit", input: { file_path: envFile, old_string: "PORT=1", new_string: "PORT=2" } },
          ],
        },
        { text: "Edited." },
      );
      const edited = await e2e.print("set PORT to 2 (PROMPT-OF-A)", ["--permission-mode", "accept-edits"], {
        env,
      });
      expect(edited.code, edited.stderr).toBe(0);
      const blobs = path.join(tacitHome, "checkpoints", "blobs");
      const snapshots = readdirSync(blobs).map((name) => readFileSync(path.join(blobs, name), "utf8"));
      expect(snapshots.some((text) => text.includes(SECRET))).toBe(true);
      // The other stores, as earlier runs leave them, and one tacit does not have yet.
      const put = (relative: string, text: string) => {
        mkdirSync(path.dirname(path.join(tacitHome, relative)), { recursive: true });
        writeFileSync(path.join(tacitHome, relative), `${text}\n`);
      };
      put("images/0123abcd", "IMAGE-OF-A");
      put("tacit.db.corrupt-2026-11-28T10-00-00Z", "OLD-SESSIONS-OF-A");
      put("history.jsonl", '{"text":"HISTORY-OF-A"}');
      put("a-new-store/data.json", "NEW-STORE-OF-A");
      put("memory/note.md", "USER-MEMORY-READABLE");

      // Repository B, hostile: its command runs in the sandbox without asking.
      const projectB = path.join(path.dirname(e2e.workspace.project), "repository-b");
      mkdirSync(projectB);
      execFileSync("git", ["init", "-q"], { cwd: projectB });
      const look = [
        `grep -rh PASSWORD ${blobs}/`,
        `cat ${tacitHome}/images/* ${tacitHome}/tacit.db.corrupt-* ${tacitHome}/history.jsonl ${tacitHome}/a-new-store/data.json`,
        `grep -c PROMPT-OF-A ${tacitHome}/tacit.db`,
        `cat ${tacitHome}/memory/note.md`,
        "echo looked",
      ].join("; ");
      e2e.server.enqueue({ toolCalls: [{ name: "Bash", input: { command: look } }] }, { text: "ok" });
      const hostile = await e2e.print("look around", [], { env, cwd: projectB });
      expect(hostile.code, hostile.stderr).toBe(0);
      const [bash] = e2e.results();
      for (const leak of [
        "Sup3rS3cret",
        "IMAGE-OF-A",
        "OLD-SESSIONS-OF-A",
        "HISTORY-OF-A",
        "NEW-STORE-OF-A",
        "PROMPT-OF-A",
      ])
        expect(bash!.output).not.toContain(leak);
      expect(bash!.output).toContain("USER-MEMORY-READABLE");
      expect(bash!.output).toContain("looked");
    });
  },
);
