// The memory browser end to end: the built CLI serves it, a real headless Chromium reads and changes
// memory through it, and the files and git history are checked on disk. Assertions are on the DOM;
// each test saves a screenshot in the test's temp folder (kept, as an artifact, when the rest goes).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxFolder, ReviewInbox } from "../../src/memory/inbox/review-inbox.ts";
import { serializeMemory } from "../../src/memory/memory-file.ts";
import { memoryScopes } from "../../src/memory/scopes.ts";
import { conflictBody } from "../../src/memory/sync/conflict.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { recordRecalls } from "../../src/session/recall-log.ts";
import {
  type Browser,
  findChromium,
  launchChromium,
  type RunningUi,
  startMemoryUi,
} from "../support/memory-ui-browser.ts";
import { runCli } from "./harness.ts";

const chromiumPath = findChromium();
const title = chromiumPath
  ? "tacit memory ui in headless Chromium"
  : "tacit memory ui in headless Chromium (skipped: chromium is not installed; apt-get install chromium)";

describe.skipIf(!chromiumPath)(title, () => {
  let base: string;
  let project: string;
  let env: Record<string, string>;
  let ui: RunningUi;
  let browser: Browser;
  const userFolder = () => path.join(env.TACIT_HOME!, "memory");

  const tacit = async (args: string[]) => {
    const result = await runCli(args, { cwd: project, env });
    if (result.code !== 0) throw new Error(`tacit ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };

  beforeAll(async () => {
    base = mkdtempSync(path.join(tmpdir(), "tacit-memory-ui-"));
    project = path.join(base, "project");
    mkdirSync(project);
    mkdirSync(path.join(base, "user-home"));
    execFileSync("git", ["init", "-q"], { cwd: project });
    env = { TACIT_HOME: path.join(base, "tacit-home"), HOME: path.join(base, "user-home") };
    const memories: Array<[scope: string, name: string, text: string, type?: string]> = [
      ["user", "prefer-tabs", "I prefer tabs over spaces in every language"],
      ["user", "deploy-branch", "Deploys go out from the release branch only", "decision"],
      ["local", "staging-box", "The staging box is flaky on Mondays"],
      ["project", "check-before-push", "Run npm run check before every push"],
      // A second version, so the history has a last change to show.
      ["user", "deploy-branch", "Deploys go out from the main branch since the 2026 switch", "decision"],
    ];
    for (const [scope, name, text, type] of memories) {
      await tacit(["remember", text, "--scope", scope, "--name", name, ...(type ? ["--type", type] : [])]);
    }
    // Two turns that recalled deploy-branch, as the recall log records them during runs.
    const database = openTacitDatabase(path.join(env.TACIT_HOME!, "tacit.db"));
    recordRecalls(database, [
      { memoryId: "user/deploy-branch", sessionId: "session-a", turn: 1, at: "2026-11-20T10:00:00.000Z" },
      { memoryId: "user/deploy-branch", sessionId: "session-b", turn: 3, at: "2026-11-21T10:00:00.000Z" },
    ]);
    database.close();
    ui = await startMemoryUi({ cwd: project, env });
    browser = await launchChromium(chromiumPath!);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    // The screenshots stay as artifacts; the memories, homes and project go.
    for (const entry of readdirSync(base)) {
      if (entry !== "screenshots") rmSync(path.join(base, entry), { recursive: true, force: true });
    }
  });

  async function openPage(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(ui.url);
    await page.locator(".memory-row").first().waitFor();
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(path.join(base, "screenshots"), { recursive: true });
    const file = path.join(base, "screenshots", `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    await page.close();
  }

  const rowKeys = (page: Page) =>
    page.locator("#memory-list .memory-row").evaluateAll((rows) =>
      // The test's types have no DOM; in the page each row is an element with data-key.
      rows.map((row) => (row as unknown as { dataset: { key?: string } }).dataset.key),
    );

  it("lists every memory by scope, with counts per scope and type", async () => {
    const page = await openPage();
    await expect
      .poll(() => rowKeys(page))
      .toEqual(["user/deploy-branch", "user/prefer-tabs", "project/check-before-push", "local/staging-box"]);
    const sidebar = await page.locator("#scopes").textContent();
    expect(sidebar).toContain("user (2)");
    expect(sidebar).toContain("decision (1)");
    expect(await page.locator("#list-summary").textContent()).toContain("4 of 4 memories");
    await screenshot(page, "lists");
  });

  it("searches with the recall engine on the server", async () => {
    const page = await openPage();
    await page.locator("#search-input").fill("flaky staging");
    await expect.poll(() => rowKeys(page)).toEqual(["local/staging-box"]);
    expect(await page.locator(".row-snippet").first().textContent()).toMatch(/flaky/i);
    await screenshot(page, "search");
  });

  it("shows a memory's text and its history, the last change first as a diff", async () => {
    const page = await openPage();
    await page.locator('.memory-row[data-key="user/deploy-branch"]').click();
    await page.locator("#detail-title").waitFor();
    expect(await page.locator("#detail-text").textContent()).toContain("main branch since the 2026 switch");
    const latest = page.locator(".history-entry").first();
    expect(await latest.locator(".history-message").textContent()).toMatch(/^update decision deploy-branch/);
    const patch = await latest.locator("pre.patch").textContent();
    expect(patch).toContain("+Deploys go out from the main branch since the 2026 switch");
    expect(patch).toContain("-Deploys go out from the release branch only");
    expect(await page.locator(".history-entry").count()).toBe(2);
    expect(await page.locator("#recalls li").allTextContents()).toEqual([
      "2026-11-21 10:00 · session session-b, turn 3",
      "2026-11-20 10:00 · session session-a, turn 1",
    ]);
    await screenshot(page, "history");
  });

  it("forgets a memory from the page: the file goes and the user history records it", async () => {
    const page = await openPage();
    const file = path.join(userFolder(), "prefer-tabs.md");
    expect(existsSync(file)).toBe(true);
    await page.locator('.memory-row[data-key="user/prefer-tabs"]').click();
    await page.locator("#forget-button").click();
    await page.locator("#forget-confirm").click();
    await page.locator("#status", { hasText: "Forgot user/prefer-tabs" }).waitFor();
    expect(existsSync(file)).toBe(false);
    const subject = execFileSync("git", ["log", "-1", "--format=%s"], {
      cwd: userFolder(),
      encoding: "utf8",
    });
    expect(subject.trim()).toBe("ui: forget prefer-tabs: forgotten in tacit memory ui");
    await expect.poll(() => rowKeys(page)).not.toContain("user/prefer-tabs");
    await screenshot(page, "forget");
  });

  it("shows the health view: what recall uses most and never, and the timeline by actor", async () => {
    const page = await openPage();
    await page.locator('[data-tab="health"]').click();
    await page.locator("#most-recalled").waitFor();
    expect(await page.locator("#most-recalled li").allTextContents()).toEqual([
      "user/deploy-branch · 2× · last 2026-11-21 10:00",
    ]);
    const never = await page.locator("#never-recalled li").allTextContents();
    expect(never).toContain("local/staging-box");
    expect(never).not.toContain("user/deploy-branch");
    expect(await page.locator("#timeline").textContent()).toMatch(/you \d+/);
    // The bars are sized from the page's script: the CSP must not have dropped their width.
    const width = await page
      .locator("#timeline .bar")
      .first()
      .evaluate(
        (bar) =>
          (bar as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width,
      );
    expect(width).toBeGreaterThan(2);
    expect(await page.locator("#list-panel").isVisible()).toBe(false);
    await screenshot(page, "health");
  });

  it("edits a memory from the page: saved through the store and committed as ui", async () => {
    const page = await openPage();
    await page.locator('.memory-row[data-key="local/staging-box"]').click();
    await page.locator("#edit-button").click();
    const editor = page.locator("#detail-editor");
    const text = (await editor.inputValue()).replace("flaky on Mondays", "flaky on Mondays and Fridays");
    await editor.fill(text);
    await page.locator("#save-button").click();
    await page.locator("#status", { hasText: "Saved local/staging-box" }).waitFor();
    const localFolder = memoryScopes({ home: env.TACIT_HOME!, projectRoot: project }).local;
    expect(readFileSync(path.join(localFolder, "staging-box.md"), "utf8")).toContain(
      "flaky on Mondays and Fridays",
    );
    const subject = execFileSync("git", ["log", "-1", "--format=%s"], { cwd: localFolder, encoding: "utf8" });
    expect(subject.trim()).toBe("ui: update project staging-box: edited in tacit memory ui");
    await page.locator("#detail-text", { hasText: "and Fridays" }).waitFor();
    await screenshot(page, "edit");
  });

  it("approves a proposal from the review inbox: the memory is written and the proposal goes", async () => {
    const inbox = new ReviewInbox(inboxFolder(env.TACIT_HOME!, project));
    inbox.put({
      version: 1,
      kind: "memory",
      action: "write",
      scope: "project",
      name: "use-pnpm",
      session: "session-r",
      actor: "reflection",
      proposedAt: new Date().toISOString(),
      text: serializeMemory({
        name: "use-pnpm",
        description: "pnpm, never npm",
        type: "project",
        body: "Use pnpm here.",
      }),
      baseHash: null,
    });
    const page = await openPage();
    await page.locator('[data-tab="inbox"]').click();
    const proposal = page.locator('.proposal[data-key="project/use-pnpm"]');
    expect(await proposal.locator(".proposal-details").textContent()).toContain("Use pnpm here.");
    await proposal.locator("button.approve").click();
    await page.locator("#status", { hasText: "Approved project/use-pnpm" }).waitFor();
    await page.locator("#inbox-empty").waitFor();
    expect(readFileSync(path.join(project, ".tacit", "memory", "use-pnpm.md"), "utf8")).toContain(
      "Use pnpm here.",
    );
    expect(inbox.list().proposals).toEqual([]);
    await screenshot(page, "inbox");
  });

  it("settles a memory in conflict by keeping one side, as a commit", async () => {
    const localFolder = memoryScopes({ home: env.TACIT_HOME!, projectRoot: project }).local;
    const file = path.join(localFolder, "deploy-notes.md");
    // As sync leaves a memory that two machines changed apart: both texts, and the flag.
    writeFileSync(
      file,
      serializeMemory({
        name: "deploy-notes",
        description: "how deploys are run from the laptop",
        type: "project",
        conflict: true,
        body: conflictBody({
          local: "Deploy with make deploy from the laptop.",
          remote: "Deploy through the CI pipeline only.",
          localLabel: "this machine",
          remoteLabel: "the remote",
          localFrontmatter: { description: "how deploys are run from the laptop", type: "project" },
          remoteFrontmatter: { description: "deploys go through CI", type: "decision" },
        }),
      }),
    );
    const page = await openPage();
    const row = page.locator('.memory-row[data-key="local/deploy-notes"]');
    expect(await row.locator(".flag-conflict").count()).toBe(1);
    await row.click();
    await page.locator("#conflict").waitFor();
    expect(await page.locator("#keep-remote").textContent()).toBe("Keep the remote");
    await page.locator("#keep-remote").click();
    await page.locator("#status", { hasText: "Resolved local/deploy-notes" }).waitFor();
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("conflict: true");
    expect(text.trimEnd().endsWith("Deploy through the CI pipeline only.")).toBe(true);
    expect(text).not.toContain("make deploy");
    // The remote side's description and type come back with its text.
    expect(text).toContain("description: deploys go through CI");
    expect(text).toContain("type: decision");
    expect(text).not.toContain("from the laptop");
    const subject = execFileSync("git", ["log", "-1", "--format=%s"], { cwd: localFolder, encoding: "utf8" });
    expect(subject.trim()).toBe("ui: update decision deploy-notes: conflict resolved in tacit memory ui");
    await expect.poll(() => row.locator(".flag-conflict").count()).toBe(0);
    await screenshot(page, "conflict");
  });

  it("refuses a request without the token, a foreign Host, and a cross-origin change", async () => {
    const origin = `http://127.0.0.1:${ui.port}`;
    expect((await fetch(`${origin}/`)).status).toBe(403);
    expect((await fetch(`${origin}/api/memories`)).status).toBe(403);
    expect((await fetch(`${origin}/not-the-token/api/memories`)).status).toBe(403);
    expect((await fetch(`${ui.url}api/memories`)).status).toBe(200);
    // DNS rebinding: the right token but another name as Host.
    expect(await statusWithHost(`${ui.url}api/memories`, `evil.example:${ui.port}`)).toBe(403);
    const forget = (headers: Record<string, string>) =>
      fetch(`${ui.url}api/forget`, {
        method: "POST",
        headers,
        body: JSON.stringify({ scope: "user", name: "deploy-branch" }),
      });
    // Another site's page with the token, and a form-like post from the page's own origin: both refused.
    expect((await forget({ Origin: "http://evil.example", "Content-Type": "application/json" })).status).toBe(
      403,
    );
    expect((await forget({ Origin: origin, "Content-Type": "text/plain" })).status).toBe(403);
    expect((await forget({ "Content-Type": "application/json" })).status).toBe(403);
    expect(existsSync(path.join(userFolder(), "deploy-branch.md"))).toBe(true);

    // The same from a real page on another origin that knows the token: a JSON post needs a preflight the
    // server never grants, and a simple (form-like) post is refused by its Origin.
    const attacker = createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end("<!doctype html><title>another site</title><p>another site</p>");
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    const page = await browser.context.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const outcomes = await page.evaluate(async (url) => {
        const body = JSON.stringify({ scope: "user", name: "deploy-branch" });
        const json = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body,
        }).then(
          (response) => `status ${response.status}`,
          (error: Error) => `failed: ${error.name}`,
        );
        const simple = await fetch(url, {
          method: "POST",
          mode: "no-cors",
          headers: { "Content-Type": "text/plain" },
          body,
        }).then(
          (response) => response.type,
          (error: Error) => `failed: ${error.name}`,
        );
        return { json, simple };
      }, `${ui.url}api/forget`);
      expect(outcomes.json).toBe("failed: TypeError");
      // The simple post reaches the server (no preflight); its refusal is checked on disk below. Its
      // answer never reaches the other site's page either: Cross-Origin-Resource-Policy blocks it.
      expect(outcomes.simple).toBe("failed: TypeError");
    } finally {
      attacker.close();
    }
    expect(existsSync(path.join(userFolder(), "deploy-branch.md"))).toBe(true);
    const subject = execFileSync("git", ["log", "-1", "--format=%s"], {
      cwd: userFolder(),
      encoding: "utf8",
    });
    expect(subject).not.toContain("deploy-branch");
    await screenshot(page, "refused");
  });
});

describe("tacit memory ui's mistakes", () => {
  it("says in one line that the port is taken, or that --port is not a port", async () => {
    const base = mkdtempSync(path.join(tmpdir(), "tacit-memory-ui-port-"));
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    try {
      const env = { TACIT_HOME: path.join(base, "home"), HOME: base };
      const port = (busy.address() as AddressInfo).port;
      const taken = await runCli(["memory", "ui", "--no-open", "--port", String(port)], { cwd: base, env });
      expect(taken.code).toBe(1);
      expect(taken.stderr.trimEnd().split("\n")).toEqual([
        `tacit: port ${port} on 127.0.0.1 is in use; pass another --port, or none for a free one`,
      ]);
      const wrong = await runCli(["memory", "ui", "--no-open", "--port", "http"], { cwd: base, env });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr.trimEnd().split("\n")).toEqual([
        "tacit: --port must be a whole number from 0 to 65535 (0: any free port)",
      ]);
    } finally {
      busy.close();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      { host: target.hostname, port: target.port, path: target.pathname, headers: { Host: host } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
}
