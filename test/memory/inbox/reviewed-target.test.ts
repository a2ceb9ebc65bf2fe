import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approveProposal, BaseChangedError } from "../../../src/memory/inbox/approve.ts";
import { inboxFolder, ReviewInbox } from "../../../src/memory/inbox/review-inbox.ts";
import { type ReviewSetting, reviewedTarget } from "../../../src/memory/inbox/reviewed-target.ts";
import { runMemoryCommand } from "../../../src/memory/memory-commands.ts";
import { commitCount, git, makeSandbox, type Sandbox } from "../store/helpers.ts";

const USE_PNPM =
  "---\nname: use-pnpm\ndescription: This repository uses pnpm\ntype: project\n---\n\nUse pnpm, never npm.\n";

describe("the reviewed target (reflection's memory writes)", () => {
  let sandbox: Sandbox;
  let inbox: ReviewInbox;
  const projectMemory = (name: string) => path.join(sandbox.projectRoot, ".tacit", "memory", `${name}.md`);
  const target = (review: ReviewSetting = "project") =>
    reviewedTarget(sandbox.store, inbox, { review, session: "session-1" });
  const run = (review: ReviewSetting, command: Parameters<typeof runMemoryCommand>[1]) =>
    runMemoryCommand(target(review), command, { actor: "reflection" });
  const approve = (key: string, force = false) =>
    approveProposal(
      { store: sandbox.store, inbox, projectRoot: sandbox.projectRoot, force },
      inbox.get(key)!,
    );

  beforeEach(() => {
    sandbox = makeSandbox();
    inbox = new ReviewInbox(inboxFolder(sandbox.home, sandbox.projectRoot));
  });
  afterEach(() => sandbox.cleanup());

  it("puts a project change in the inbox; it reaches .tacit/memory only on approval", async () => {
    const said = await run("project", {
      command: "create",
      path: "/memories/project/use-pnpm.md",
      file_text: USE_PNPM,
    });
    expect(said).toMatch(/^Proposed for review: a new memory \/memories\/project\/use-pnpm\.md/);
    expect(existsSync(projectMemory("use-pnpm"))).toBe(false);
    expect(inbox.folder.startsWith(path.join(sandbox.home, "projects"))).toBe(true);

    // The same reflection edits what it just proposed: it reads the proposal, not the (missing) file.
    await run("project", {
      command: "str_replace",
      path: "/memories/project/use-pnpm.md",
      old_str: "never npm",
      new_str: "never npm or yarn",
    });
    expect(await run("project", { command: "view", path: "/memories/project" })).toContain("use-pnpm.md");
    const [proposal] = inbox.list().proposals;
    expect(proposal).toMatchObject({
      kind: "memory",
      action: "write",
      scope: "project",
      name: "use-pnpm",
      session: "session-1",
      actor: "reflection",
      baseHash: null,
    });
    expect(proposal?.kind === "memory" && proposal.text).toContain("never npm or yarn");

    expect(await approve("project/use-pnpm")).toBe("created project/use-pnpm");
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("Use pnpm, never npm or yarn.");
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("source: session-1");
    expect(inbox.list().proposals).toEqual([]);
  });

  it("a rejected (removed) proposal leaves nothing behind", async () => {
    await run("project", { command: "create", path: "/memories/project/use-pnpm.md", file_text: USE_PNPM });
    inbox.remove("project/use-pnpm");
    expect(existsSync(projectMemory("use-pnpm"))).toBe(false);
    expect(readdirSync(inbox.folder)).toEqual([]);
    expect(existsSync(path.join(sandbox.projectRoot, ".tacit", "memory"))).toBe(false);
  });

  it("an edit of a file that changed since it was proposed needs force, and loses nothing without it", async () => {
    await sandbox.store.write("project", {
      name: "use-pnpm",
      description: "This repository uses pnpm",
      type: "project",
      body: "Use pnpm.",
    });
    await run("project", {
      command: "str_replace",
      path: "/memories/project/use-pnpm.md",
      old_str: "Use pnpm.",
      new_str: "Use pnpm 9.",
    });
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("Use pnpm.\n");
    // A teammate's change lands meanwhile (a git pull).
    const teammate = readFileSync(projectMemory("use-pnpm"), "utf8").replace(
      "Use pnpm.",
      "Use pnpm, see CONTRIBUTING.",
    );
    writeFileSync(projectMemory("use-pnpm"), teammate);

    await expect(approve("project/use-pnpm")).rejects.toThrow(BaseChangedError);
    await expect(approve("project/use-pnpm")).rejects.toThrow(
      /changed since project\/use-pnpm was proposed.*--force/,
    );
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toBe(teammate);
    expect(inbox.get("project/use-pnpm")).toBeDefined();

    expect(await approve("project/use-pnpm", true)).toBe("updated project/use-pnpm");
    expect(readFileSync(projectMemory("use-pnpm"), "utf8")).toContain("Use pnpm 9.");
  });

  it("proposes deletions and renames; reads see them pending", async () => {
    for (const name of ["old-name", "stale-fact"]) {
      await sandbox.store.write("project", {
        name,
        description: `about ${name}`,
        type: "project",
        body: name,
      });
    }
    expect(await run("project", { command: "delete", path: "/memories/project/stale-fact.md" })).toMatch(
      /^Proposed for review: the deletion of \/memories\/project\/stale-fact\.md/,
    );
    await run("project", {
      command: "rename",
      old_path: "/memories/project/old-name.md",
      new_path: "/memories/project/new-name.md",
    });
    const listing = await run("project", { command: "view", path: "/memories/project" });
    expect(listing).toContain("new-name.md");
    expect(listing).not.toContain("old-name.md");
    expect(listing).not.toContain("stale-fact.md");
    expect(existsSync(projectMemory("stale-fact"))).toBe(true);
    expect(existsSync(projectMemory("old-name"))).toBe(true);

    expect(await approve("project/stale-fact")).toBe("deleted project/stale-fact");
    expect(await approve("project/new-name")).toBe("moved project/old-name to project/new-name");
    expect(existsSync(projectMemory("stale-fact"))).toBe(false);
    expect(existsSync(projectMemory("old-name"))).toBe(false);
    expect(readFileSync(projectMemory("new-name"), "utf8")).toContain("name: new-name");
  });

  it("review: all routes the user scope too, and approving commits it; none writes directly", async () => {
    const userFolder = path.join(sandbox.home, "memory");
    const said = await run("all", {
      command: "create",
      path: "/memories/user/tabs.md",
      file_text: "---\nname: tabs\ndescription: Tabs in Makefiles\ntype: preference\n---\n\nTabs.\n",
    });
    expect(said).toMatch(/^Proposed for review/);
    expect(existsSync(path.join(userFolder, "tabs.md"))).toBe(false);
    expect(await approve("user/tabs")).toBe("created user/tabs");
    expect(git(userFolder, ["log", "-1", "--format=%s"])).toMatch(/^reflection: create preference tabs/);

    const direct = await run("none", {
      command: "create",
      path: "/memories/project/use-pnpm.md",
      file_text: USE_PNPM,
    });
    expect(direct).toMatch(/^Created \/memories\/project\/use-pnpm\.md/);
    expect(existsSync(projectMemory("use-pnpm"))).toBe(true);
    expect(inbox.list().proposals).toEqual([]);

    // The default (project) writes user memories directly, committed under the actor's name.
    const before = commitCount(userFolder);
    await run("project", {
      command: "str_replace",
      path: "/memories/user/tabs.md",
      old_str: "Tabs.",
      new_str: "Tabs, always.",
    });
    expect(commitCount(userFolder)).toBe(before + 1);
    expect(inbox.list().proposals).toEqual([]);
  });

  it("lists a malformed proposal file in one line, and reads on", async () => {
    await run("project", { command: "create", path: "/memories/project/use-pnpm.md", file_text: USE_PNPM });
    writeFileSync(path.join(inbox.folder, "project--broken.json"), "{ not json");
    writeFileSync(path.join(inbox.folder, "skill--half.json"), JSON.stringify({ version: 1, kind: "skill" }));
    const listing = inbox.list();
    expect(listing.proposals.map((proposal) => proposal.name)).toEqual(["use-pnpm"]);
    expect(listing.broken.map((broken) => broken.fileName)).toEqual([
      "project--broken.json",
      "skill--half.json",
    ]);
    expect(listing.broken[0]?.problem).toMatch(/^not JSON/);
    expect(await run("project", { command: "view", path: "/memories/project" })).toContain("use-pnpm.md");
  });
});
