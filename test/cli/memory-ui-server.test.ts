// The memory browser's server in-process, over a real memory service, database and git history:
// the TUI's `/memory ui` (started once, in the background) and the guard's rules request by request.
// The page itself is driven in Chromium by test/e2e/memory-ui.test.ts.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tuiMemoryBrowser } from "../../src/cli/memory-ui/tui-browser.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { sessionRedaction } from "../../src/memory/redact-message.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { recordRecalls } from "../../src/session/recall-log.ts";
import { SessionStore } from "../../src/session/store.ts";

const built = existsSync(path.resolve(import.meta.dirname, "../../dist/memory-ui/index.html"));

describe.skipIf(!built)("the memory browser's server (needs npm run build for the page)", () => {
  let root: string;
  let home: string;
  let projectRoot: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let service: MemoryService;

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-memory-ui-server-"));
    home = path.join(root, "home");
    projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    database = openTacitDatabase(path.join(home, "tacit.db"));
    service = new MemoryService({ database, home, projectRoot });
    await service.remember("Use pnpm in this repository, never npm", {
      scope: "user",
      name: "use-pnpm",
      reason: "a test memory",
    });
  });

  afterEach(() => {
    service.close();
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("starts once for the TUI and answers only with the token, the right Host and a same-origin JSON change", async () => {
    const browser = tuiMemoryBrowser(service, home, projectRoot);
    const line = await browser();
    expect(await browser()).toBe(line);
    const url = /http:\/\/127\.0\.0\.1:(\d+)\/[\w-]+\//.exec(line)?.[0];
    expect(url).toBeDefined();
    const origin = new URL(url!).origin;

    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
    const list = (await (await fetch(`${url}api/memories`)).json()) as {
      total: number;
      items: { name: string }[];
    };
    expect(list.items.map((item) => item.name)).toEqual(["use-pnpm"]);
    const hits = (await (await fetch(`${url}api/search?q=pnpm`)).json()) as { name: string }[];
    expect(hits.map((hit) => hit.name)).toEqual(["use-pnpm"]);

    expect((await fetch(`${origin}/${"x".repeat(32)}/api/memories`)).status).toBe(403);
    const preflight = await fetch(`${url}api/forget`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example" },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();

    const save = (headers: Record<string, string>) =>
      fetch(`${url}api/save`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          scope: "user",
          name: "use-pnpm",
          text: "---\nname: use-pnpm\ndescription: pnpm, not npm\ntype: preference\n---\n\nUse pnpm; npm breaks the lockfile.\n",
        }),
      });
    const json = { "Content-Type": "application/json" };
    expect((await save({ ...json, Origin: origin, "Sec-Fetch-Site": "cross-site" })).status).toBe(403);
    expect((await save({ ...json, Origin: "http://127.0.0.1:1" })).status).toBe(403);
    const saved = await save({ ...json, Origin: origin, "Sec-Fetch-Site": "same-origin" });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { message: string }).message).toBe("Saved user/use-pnpm.");
    const subject = execFileSync("git", ["log", "-1", "--format=%s"], {
      cwd: path.join(home, "memory"),
      encoding: "utf8",
    });
    expect(subject.trim()).toBe("ui: update preference use-pnpm: edited in tacit memory ui");
    expect(service.store.read("user", "use-pnpm").memory.body).toBe("Use pnpm; npm breaks the lockfile.");

    // An edit whose frontmatter cannot be read is refused with one line, and nothing changes.
    const broken = await fetch(`${url}api/save`, {
      method: "POST",
      headers: { ...json, Origin: origin },
      body: JSON.stringify({ scope: "user", name: "use-pnpm", text: "---\ntype: [\n---\nbody\n" }),
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: string }).error).toMatch(
      /^not saved: frontmatter is not valid YAML/,
    );
  });

  it("shows a local memory's recalls from this project's sessions only, with their titles", async () => {
    await service.remember("The staging box is flaky on Mondays", {
      scope: "local",
      name: "staging-box",
      reason: "a test memory",
    });
    const sessions = new SessionStore(database, { redact: sessionRedaction });
    const here = sessions.createSession({ cwd: projectRoot, projectRoot, model: "m/x" });
    sessions.setTitle(here.id, "fix the deploy");
    const elsewhere = sessions.createSession({
      cwd: root,
      projectRoot: path.join(root, "other"),
      model: "m/x",
    });
    recordRecalls(database, [
      { memoryId: "local/staging-box", sessionId: here.id, turn: 2, at: "2026-11-20T10:00:00.000Z" },
      // Another project's local memory of the same name is another memory.
      { memoryId: "local/staging-box", sessionId: elsewhere.id, turn: 1, at: "2026-11-21T10:00:00.000Z" },
    ]);
    const url = /http:\/\/127\.0\.0\.1:\d+\/[\w-]+\//.exec(
      await tuiMemoryBrowser(service, home, projectRoot)(),
    )![0];
    const detail = (await (await fetch(`${url}api/memory?scope=local&name=staging-box`)).json()) as {
      recalls: { sessionId: string; title?: string; turn: number }[];
    };
    expect(detail.recalls).toEqual([
      { sessionId: here.id, title: "fix the deploy", turn: 2, at: "2026-11-20T10:00:00.000Z" },
    ]);
  });
});
