import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectStateDirectory } from "../../src/config/paths.ts";
import { setUpSandbox } from "../../src/sandbox/setup.ts";
import { runCommand } from "../../src/tools/bash.ts";
import {
  availability,
  contextIn,
  makeWorld,
  runSandboxed,
  type SandboxWorld,
  skipReason,
} from "./helpers.ts";

/** Writes a file (and its folders) with a marker a command must or must not print. */
function plant(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${text}\n`);
}

/** tacit's stores as a user's TACIT_HOME holds them after some work, each with its own marker. */
function fillTacitHome(world: SandboxWorld): void {
  const home = world.tacitHome;
  plant(path.join(home, "settings.json"), '{"providers":{"p":{"apiKey":"SETTINGS-KEY-1"}}}');
  plant(path.join(home, "tacit.db"), "EVERY-SESSION-2");
  plant(path.join(home, "tacit.db-wal"), "WAL-PAGES-3");
  plant(path.join(home, "tacit.db.corrupt-2026-11-28T10-00-00Z"), "OLD-DATABASE-4");
  plant(path.join(home, "checkpoints", "blobs", "ab12"), "DB_PASSWORD=CHECKPOINT-5");
  plant(path.join(home, "images", "cd34"), "IMAGE-BYTES-6");
  plant(path.join(home, "history.jsonl"), '{"text":"HISTORY-7"}');
  plant(path.join(home, "a-store-added-later", "data"), "NEW-STORE-8");
  plant(path.join(home, "a-file-added-later.json"), "NEW-FILE-9");
  plant(
    path.join(projectStateDirectory(home, "/elsewhere/other-project"), "memory", "m.md"),
    "OTHER-LOCAL-10",
  );
  plant(path.join(home, "memory", "note.md"), "USER-MEMORY-OK");
  plant(path.join(projectStateDirectory(home, world.project), "memory", "here.md"), "LOCAL-MEMORY-OK");
  plant(path.join(home, "skills", "tidy", "SKILL.md"), "---\nname: tidy\ndescription: d\n---\nrun tidy.sh");
  plant(path.join(home, "skills", "tidy", "tidy.sh"), "echo SKILL-SCRIPT-OK");
  // The user memory folder is a git repository; a memory forgotten since is still in its history.
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: path.join(home, "memory"), stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "FORGOTTEN-11");
}

const HIDDEN_MARKERS = [
  "SETTINGS-KEY-1",
  "EVERY-SESSION-2",
  "WAL-PAGES-3",
  "OLD-DATABASE-4",
  "CHECKPOINT-5",
  "IMAGE-BYTES-6",
  "HISTORY-7",
  "NEW-STORE-8",
  "NEW-FILE-9",
  "OTHER-LOCAL-10",
  "FORGOTTEN-11",
  "CODEX-KEY-12",
];

describe.skipIf(!availability.available)(
  `tacit's state folder in the sandbox (real bubblewrap)${skipReason}`,
  () => {
    it("hides every store but the memories of this project and the user's skills, a new one included", async () => {
      const world = await makeWorld();
      fillTacitHome(world);
      plant(path.join(world.userHome, ".codex", "auth.json"), '{"OPENAI_API_KEY":"CODEX-KEY-12"}');
      const home = world.tacitHome;
      const result = await runSandboxed(
        world,
        [
          `grep -rh . ${home} 2>&1`,
          `cat ${home}/settings.json ${home}/tacit.db* ${home}/history.jsonl ${world.userHome}/.codex/auth.json 2>&1`,
          `git -C ${home}/memory log --format=%s 2>&1`,
          `echo "listing: $(ls -A ${home} | tr '\\n' ' ')"`,
          `bash ${home}/skills/tidy/tidy.sh`,
        ].join("; "),
      );
      for (const marker of HIDDEN_MARKERS) expect(result.output).not.toContain(marker);
      // What commands may read stays readable: these are put before the model in this project anyway.
      expect(result.output).toContain("USER-MEMORY-OK");
      expect(result.output).toContain("LOCAL-MEMORY-OK");
      expect(result.output).toContain("SKILL-SCRIPT-OK");
      expect(result.output).toContain("listing: memory projects skills \n");
    });

    it("shows nothing of tacit's stores, and writes none, when the project and the home are writable", async () => {
      // Started in the home folder itself: the state folder lies inside the writable project.
      const world = await makeWorld();
      fillTacitHome(world);
      execFileSync("git", ["init", "-q"], { cwd: world.userHome });
      const setup = await setUpSandbox({
        settings: {},
        projectRoot: world.userHome,
        tacitHome: world.tacitHome,
        env: world.env,
      });
      const result = await runCommand(contextIn(world.userHome), {
        command: `grep -rh . .tacit 2>&1; echo x > .tacit/memory/planted.md; echo y > .tacit/new.txt; touch mine.txt && echo wrote`,
        sandbox: setup.sandbox!,
      });
      for (const marker of HIDDEN_MARKERS.slice(0, -1)) expect(result.output).not.toContain(marker);
      expect(result.output).toContain("USER-MEMORY-OK");
      expect(result.output).toContain("Read-only file system");
      expect(result.output).toContain("wrote");
      expect(readdirSync(path.join(world.tacitHome, "memory")).sort()).toEqual([".git", "note.md"]);
      expect(readdirSync(world.tacitHome)).not.toContain("new.txt");
    });

    it("started inside TACIT_HOME (the user memory folder as the project), the project is still the project", async () => {
      const world = await makeWorld();
      fillTacitHome(world);
      const project = path.join(world.tacitHome, "memory");
      const setup = await setUpSandbox({
        settings: {},
        projectRoot: project,
        tacitHome: world.tacitHome,
        env: world.env,
      });
      const result = await runCommand(contextIn(project), {
        command: `cat note.md && git log --format=%s && echo new > new.md && cat ../settings.json ../tacit.db 2>&1`,
        sandbox: setup.sandbox!,
      });
      expect(result.output).toContain("USER-MEMORY-OK");
      // Its own history: it is the project here.
      expect(result.output).toContain("FORGOTTEN-11");
      expect(result.output).not.toContain("SETTINGS-KEY-1");
      expect(result.output).not.toContain("EVERY-SESSION-2");
      expect(readdirSync(project)).toContain("new.md");
    });

    it("hides ~/.tacit whole when TACIT_HOME points elsewhere: what earlier runs left there is as private", async () => {
      const world = await makeWorld();
      fillTacitHome(world);
      const elsewhere = path.join(world.userHome, "other-tacit-home");
      plant(path.join(elsewhere, "memory", "now.md"), "CURRENT-MEMORY-OK");
      const result = await runSandboxed(
        { ...world, tacitHome: elsewhere },
        `grep -rh . ${world.tacitHome} ${elsewhere} 2>&1`,
      );
      for (const marker of HIDDEN_MARKERS.slice(0, -1)) expect(result.output).not.toContain(marker);
      expect(result.output).not.toContain("USER-MEMORY-OK");
      expect(result.output).toContain("CURRENT-MEMORY-OK");
    });
  },
);
