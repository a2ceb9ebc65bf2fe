// The TUI's `/memory ui`: the command starts the real memory browser over a real memory service in
// the background and shows its URL; the URL answers. (The page itself: test/e2e/memory-ui.test.ts.)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cleanup } from "ink-testing-library";
import { afterEach, describe, expect, test } from "vitest";
import { tuiMemoryBrowser } from "../../src/cli/memory-ui/tui-browser.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { FakeHost, KEYS, renderApp, stripAnsi } from "./fake-host.ts";

const built = existsSync(path.resolve(import.meta.dirname, "../../dist/memory-ui/index.html"));
const cleanups: Array<() => void> = [];

afterEach(() => {
  cleanup();
  for (const step of cleanups.splice(0)) step();
});

describe.skipIf(!built)("/memory ui (needs npm run build for the page)", () => {
  test("starts the memory browser in the background and shows a URL that answers", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tacit-tui-memory-ui-"));
    const home = path.join(root, "home");
    const projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    const database = openTacitDatabase(path.join(home, "tacit.db"));
    const service = new MemoryService({ database, home, projectRoot });
    cleanups.push(() => {
      service.close();
      database.close();
      rmSync(root, { recursive: true, force: true });
    });

    const host = new FakeHost();
    host.memory = {
      list: async () => [],
      show: async () => "",
      forget: async () => undefined,
      remember: async () => "",
      browser: tuiMemoryBrowser(service, home, projectRoot),
    };
    const app = renderApp(host);
    await app.type("/memory ui", KEYS.enter);
    const frame = stripAnsi(await app.waitFor((text) => text.includes("Memory browser: http://127.0.0.1:")));
    const url = /http:\/\/127\.0\.0\.1:\d+\/[\w-]+\//.exec(frame.replace(/\s*\n\s*/g, ""))?.[0];
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>tacit memory</title>");
  });
});
