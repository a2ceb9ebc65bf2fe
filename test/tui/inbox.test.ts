// /memory inbox over the real inbox host (real proposal files, a real memory store and database),
// drawn by the TUI over the fake run host: approve all asks first, and approving over a file that
// changed since it was proposed asks again before replacing it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cleanup } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createTuiInboxHost } from "../../src/cli/tui-inbox.ts";
import { inboxFolder, ReviewInbox } from "../../src/memory/inbox/review-inbox.ts";
import { reviewedTarget } from "../../src/memory/inbox/reviewed-target.ts";
import { runMemoryCommand } from "../../src/memory/memory-commands.ts";
import { MemoryService } from "../../src/memory/memory-service.ts";
import { openTacitDatabase } from "../../src/memory/tacit-database.ts";
import { FakeHost, KEYS, renderApp } from "./fake-host.ts";

const file = (name: string, body: string) =>
  `---\nname: ${name}\ndescription: about ${name}\ntype: project\n---\n\n${body}\n`;

describe("/memory inbox", () => {
  let root: string;
  let projectRoot: string;
  let database: ReturnType<typeof openTacitDatabase>;
  let service: MemoryService;
  let host: FakeHost;
  const memoryFile = (name: string) => path.join(projectRoot, ".tacit", "memory", `${name}.md`);
  const propose = async (command: Parameters<typeof runMemoryCommand>[1]) => {
    const home = path.join(root, "home");
    const target = reviewedTarget(service.store, new ReviewInbox(inboxFolder(home, projectRoot)), {
      review: "project",
      session: "s-1",
    });
    return runMemoryCommand(target, command, { actor: "reflection" });
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-tui-inbox-"));
    projectRoot = path.join(root, "project");
    mkdirSync(projectRoot, { recursive: true });
    execFileSync("git", ["init", "-q"], { cwd: projectRoot });
    const home = path.join(root, "home");
    database = openTacitDatabase(path.join(home, "tacit.db"));
    service = new MemoryService({ database, home, projectRoot });
    host = new FakeHost();
    host.memory = {
      list: async () => [],
      show: async () => "",
      forget: async () => {},
      remember: async () => "",
      inbox: createTuiInboxHost(service, home, projectRoot),
    };
  });
  afterEach(() => {
    cleanup();
    service.close();
    database.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("approve all asks first, then puts every proposal in place", async () => {
    await propose({ command: "create", path: "/memories/project/alpha.md", file_text: file("alpha", "A.") });
    await propose({ command: "create", path: "/memories/project/beta.md", file_text: file("beta", "B.") });
    const app = renderApp(host);
    await app.type("/memory inbox", KEYS.enter);
    await app.waitFor((text) => text.includes("Review inbox · 2 proposals"));
    await app.type("Approve all", KEYS.enter);
    await app.waitFor((text) => text.includes("Approve all 2 proposals? (y/N)"));
    await app.type("y");
    await app.waitFor((text) => text.includes("Approved project/beta: created project/beta"));
    expect(app.frame()).toContain("Approved project/alpha: created project/alpha");
    expect(existsSync(memoryFile("alpha")) && existsSync(memoryFile("beta"))).toBe(true);
  });

  test("approving over a changed file asks; no keeps both, yes replaces it", async () => {
    await service.store.write("project", {
      name: "lint",
      description: "about lint",
      type: "project",
      body: "Lint.",
    });
    await propose({
      command: "str_replace",
      path: "/memories/project/lint.md",
      old_str: "\n\nLint.",
      new_str: "\n\nLint first.",
    });
    const teammate = readFileSync(memoryFile("lint"), "utf8").replace("\n\nLint.", "\n\nLint (teammate).");
    writeFileSync(memoryFile("lint"), teammate);

    const app = renderApp(host);
    await app.type("/memory inbox", KEYS.enter);
    await app.waitFor((text) => text.includes("Review inbox · 1 proposal"));
    await app.type(KEYS.enter);
    await app.waitFor((text) => text.includes("Proposal lint"));
    expect(app.frame()).toContain("+Lint first.");
    await app.type(KEYS.enter);
    await app.waitFor((text) =>
      /changed since project\/lint was proposed[\s\S]*Replace it anyway\? \(y\/N\)/.test(text),
    );
    await app.type("n");
    await app.waitFor((text) => text.includes("lint stays in the inbox"));
    expect(readFileSync(memoryFile("lint"), "utf8")).toBe(teammate);

    // The list opened again: this time, yes.
    await app.waitFor((text) => text.includes("Review inbox · 1 proposal"));
    await app.type(KEYS.enter);
    await app.waitFor((text) => text.includes("Proposal lint"));
    await app.type(KEYS.enter);
    await app.waitFor((text) => text.includes("Replace it anyway? (y/N)"));
    await app.type("y");
    await app.waitFor((text) => text.includes("Approved project/lint: updated project/lint"));
    expect(readFileSync(memoryFile("lint"), "utf8")).toContain("Lint first.");
  });
});
