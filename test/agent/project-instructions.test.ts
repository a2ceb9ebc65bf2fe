import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadProjectInstructions } from "../../src/agent/project-instructions.ts";

let base: string;
let root: string;
let home: string;
let tacitHome: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), "tacit-instructions-")));
  root = path.join(base, "repo");
  home = path.join(base, "home");
  tacitHome = path.join(home, ".tacit");
  await mkdir(path.join(root, ".git"), { recursive: true });
  await mkdir(tacitHome, { recursive: true });
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function put(filePath: string, content: string): Promise<string> {
  await mkdir(path.dirname(filePath), { recursive: true });
  await writeFile(filePath, content);
  return filePath;
}

const load = (cwd: string, extra: { projectRoot?: string; maxBytes?: number; fileNames?: string[] } = {}) =>
  loadProjectInstructions({ cwd, projectRoot: extra.projectRoot ?? root, home, tacitHome, ...extra });

describe("discovery", () => {
  it("loads the root file then the subdirectory file, with headers, root first", async () => {
    const rootFile = await put(path.join(root, "AGENTS.md"), "Use pnpm.\n");
    const subFile = await put(path.join(root, "packages", "web", "AGENTS.md"), "Use React.\n");
    await put(path.join(root, "packages", "web", "deeper", "AGENTS.md"), "Not loaded: below the cwd.\n");
    const result = await load(path.join(root, "packages", "web"));
    expect(result.files).toEqual([rootFile, subFile]);
    expect(result.text).toBe(
      "## AGENTS.md\n\nUse pnpm.\n\n## packages/web/AGENTS.md (applies to packages/web/ and below)\n\nUse React.",
    );
  });

  it("takes one file per directory: override, then AGENTS.md, then CLAUDE.md, then GEMINI.md", async () => {
    await put(path.join(root, "AGENTS.md"), "agents");
    const override = await put(path.join(root, "AGENTS.override.md"), "override");
    await put(path.join(root, "CLAUDE.md"), "claude");
    const sub = await put(path.join(root, "sub", "GEMINI.md"), "gemini");
    const result = await load(path.join(root, "sub"));
    expect(result.files).toEqual([override, sub]);
    expect(result.text).toContain("override");
    expect(result.text).not.toContain("agents");
    expect(result.text).not.toContain("claude");
  });

  it("lets an empty override hide AGENTS.md, as Codex does", async () => {
    await put(path.join(root, "AGENTS.md"), "hidden");
    await put(path.join(root, "AGENTS.override.md"), "  \n\n");
    expect(await load(root)).toEqual({ text: "", files: [], warnings: [] });
  });

  it("adds CLAUDE.local.md beside the chosen file", async () => {
    const main = await put(path.join(root, "CLAUDE.md"), "team");
    const local = await put(path.join(root, "CLAUDE.local.md"), "mine");
    const result = await load(root);
    expect(result.files).toEqual([main, local]);
    expect(result.text).toContain("## CLAUDE.local.md\n\nmine");
  });

  it("reads only the cwd when there is no repository", async () => {
    const plain = path.join(base, "plain");
    await put(path.join(base, "AGENTS.md"), "parent: not loaded");
    const own = await put(path.join(plain, "AGENTS.md"), "own");
    const result = await load(plain, { projectRoot: plain });
    expect(result.files).toEqual([own]);
    expect(result.text).toBe("## AGENTS.md\n\nown");
  });

  it("puts user-global files first, shown under ~/", async () => {
    const tacit = await put(path.join(tacitHome, "AGENTS.md"), "tacit global");
    const claude = await put(path.join(home, ".claude", "CLAUDE.md"), "claude global");
    const gemini = await put(path.join(home, ".gemini", "GEMINI.md"), "gemini global");
    const project = await put(path.join(root, "AGENTS.md"), "project");
    const result = await load(root);
    expect(result.files).toEqual([tacit, claude, gemini, project]);
    expect(result.text.indexOf("## ~/.tacit/AGENTS.md")).toBe(0);
    expect(result.text).toContain("## ~/.claude/CLAUDE.md\n\nclaude global");
  });

  it("uses a configured list of names", async () => {
    await put(path.join(root, "AGENTS.md"), "agents");
    const team = await put(path.join(root, "TEAM.md"), "team");
    expect((await load(root, { fileNames: ["TEAM.md"] })).files).toEqual([team]);
  });

  it("skips whitespace-only files and directories named like instruction files", async () => {
    await mkdir(path.join(root, "AGENTS.md"));
    const claude = await put(path.join(root, "CLAUDE.md"), "claude");
    await put(path.join(root, "sub", "AGENTS.md"), " \n\t\n");
    expect((await load(path.join(root, "sub"))).files).toEqual([claude]);
  });

  it("follows a symlinked AGENTS.md and reads a file reached twice only once", async () => {
    const claude = await put(path.join(root, "CLAUDE.md"), "shared rules");
    await symlink(claude, path.join(root, "AGENTS.md"));
    const result = await load(root);
    expect(result.files).toEqual([path.join(root, "AGENTS.md")]);
    expect(result.text).toBe("## AGENTS.md\n\nshared rules");
  });

  it("does not read an instruction file or import larger than a megabyte (a repository may ship one)", async () => {
    await put(path.join(root, "AGENTS.md"), "small rules\n@./huge.md");
    await put(path.join(root, "huge.md"), `${"x".repeat(2 * 1024 * 1024)}\nHUGE-MARKER`);
    const result = await load(root, { maxBytes: 10 * 1024 * 1024 });
    expect(result.text).toContain("small rules");
    expect(result.text).not.toContain("HUGE-MARKER");
  });
});

describe("imports", () => {
  it("expands relative and absolute imports in the project, nested, relative to the importing file", async () => {
    const style = await put(path.join(root, "docs", "style.md"), "Tabs.\n@../shared/naming.md");
    const naming = await put(path.join(root, "shared", "naming.md"), "Kebab-case files.");
    const absolute = await put(path.join(root, "rules", "abs.md"), "Absolute rule.");
    await put(path.join(root, "AGENTS.md"), `Style: @docs/style.md\nAlso @${absolute}.`);
    const result = await load(root);
    expect(result.text).toBe(`## AGENTS.md\n\nStyle: Tabs.\nKebab-case files.\nAlso Absolute rule..`);
    expect(result.files).toEqual([path.join(root, "AGENTS.md"), style, naming, absolute]);
  });

  it("lets the user's global files import home and absolute paths anywhere", async () => {
    const personal = await put(path.join(home, "prefs.md"), "Be brief.\n@../abs.md");
    const absolute = await put(path.join(base, "abs.md"), "Absolute rule.");
    const global = await put(path.join(tacitHome, "AGENTS.md"), `Mine: @~/prefs.md and @${absolute}`);
    const result = await load(root);
    expect(result.text).toBe("## ~/.tacit/AGENTS.md\n\nMine: Be brief.\nAbsolute rule. and Absolute rule.");
    expect(result.files).toEqual([global, personal, absolute, absolute]);
  });

  it("makes a one-line CLAUDE.md importing AGENTS.md just work", async () => {
    await put(path.join(root, "CLAUDE.md"), "@AGENTS.md\n");
    await put(path.join(root, "rules", "AGENTS.md"), "");
    const result = await load(root, { fileNames: ["CLAUDE.md"] });
    expect(result.text).toContain("@AGENTS.md <!-- import not found: AGENTS.md -->");
    await put(path.join(root, "AGENTS.md"), "Real rules.");
    expect((await load(root, { fileNames: ["CLAUDE.md"] })).text).toBe("## CLAUDE.md\n\nReal rules.");
  });

  it("skips cycles", async () => {
    await put(path.join(root, "a.md"), "A then @b.md");
    await put(path.join(root, "b.md"), "B then @a.md");
    await put(path.join(root, "AGENTS.md"), "start @a.md");
    const result = await load(root);
    expect(result.text).toBe("## AGENTS.md\n\nstart A then B then <!-- import skipped (cycle): a.md -->");
  });

  it("stops after five levels", async () => {
    for (let level = 1; level <= 7; level++)
      await put(path.join(root, `l${level}.md`), `L${level} @l${level + 1}.md`);
    await put(path.join(root, "AGENTS.md"), "@l1.md");
    const result = await load(root);
    expect(result.text).toContain("L5 <!-- import skipped (more than 5 levels deep): l6.md -->");
    expect(result.text).not.toContain("L6");
  });

  it("ignores imports in fenced blocks and inline code, and non-path mentions", async () => {
    await put(path.join(root, "secret.md"), "SHOULD NOT APPEAR");
    await put(
      path.join(root, "AGENTS.md"),
      [
        "Ping @octocat or mail a@secret.md.",
        "Inline `@secret.md` and ``a ` @secret.md`` stay.",
        "```sh",
        "cat @secret.md",
        "```",
        "~~~",
        "@secret.md",
        "~~~",
      ].join("\n"),
    );
    const result = await load(root);
    expect(result.text).not.toContain("SHOULD NOT APPEAR");
    expect(result.text).toContain("cat @secret.md");
    expect(result.files).toEqual([path.join(root, "AGENTS.md")]);
  });

  it("leaves a missing import as a comment and keeps going", async () => {
    await put(path.join(root, "AGENTS.md"), "See @docs/missing.md, then carry on.");
    const result = await load(root);
    expect(result.text).toBe(
      "## AGENTS.md\n\nSee @docs/missing.md <!-- import not found: docs/missing.md -->, then carry on.",
    );
  });
});

describe("import boundary and redaction", () => {
  const awsCredentials =
    "[default]\naws_access_key_id = AKIAZ7Q2XK4LMP3RTW9B\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lp2TkQ9\n";

  it("refuses a project file's import of the user's credentials, leaving a comment", async () => {
    await put(path.join(home, ".aws", "credentials"), awsCredentials);
    await put(path.join(root, "AGENTS.md"), "Setup: @~/.aws/credentials then build.");
    const result = await load(root);
    expect(result.text).toBe(
      "## AGENTS.md\n\nSetup: @~/.aws/credentials <!-- import refused (outside the project): ~/.aws/credentials --> then build.",
    );
    expect(result.text).not.toContain("wJalrXUtnFEMI");
    expect(result.files).toEqual([path.join(root, "AGENTS.md")]);
  });

  it("refuses ../ and absolute escapes, and reports a missing outside file the same way", async () => {
    await put(path.join(base, "outside.md"), "OUTSIDE TEXT");
    await put(
      path.join(root, "AGENTS.md"),
      `@../outside.md\n@${path.join(base, "outside.md")}\n@../nowhere.md`,
    );
    const result = await load(root);
    expect(result.text).not.toContain("OUTSIDE TEXT");
    expect(result.text).toContain(
      "@../outside.md <!-- import refused (outside the project): ../outside.md -->",
    );
    expect(result.text).toContain("<!-- import refused (outside the project): ../nowhere.md -->");
    expect(result.text.match(/import refused/g)).toHaveLength(3);
  });

  it("refuses a symlink in the repository that points outside it", async () => {
    const secret = await put(path.join(base, "secret.md"), "LINKED SECRET");
    await mkdir(path.join(root, "docs"), { recursive: true });
    await symlink(secret, path.join(root, "docs", "notes.md"));
    await put(path.join(root, "AGENTS.md"), "@docs/notes.md");
    const result = await load(root);
    expect(result.text).not.toContain("LINKED SECRET");
    expect(result.text).toContain("import refused (outside the project): docs/notes.md");
  });

  it("skips an instruction file that is itself a link out of the repository, with one warning naming it", async () => {
    const netrc = await put(path.join(home, ".netrc"), "machine example.com login ada password NETRC-CANARY");
    const pgpass = await put(path.join(home, ".pgpass"), "db:5432:*:ada:PGPASS-CANARY");
    await symlink(netrc, path.join(root, "AGENTS.md"));
    const claude = await put(path.join(root, "CLAUDE.md"), "Fallback instructions.");
    await mkdir(path.join(root, "sub"), { recursive: true });
    await symlink(pgpass, path.join(root, "sub", "CLAUDE.md"));
    await symlink(netrc, path.join(root, "sub", "CLAUDE.local.md"));
    const result = await load(path.join(root, "sub"));
    expect(result.text).not.toContain("CANARY");
    // The refused file counts as absent: the next name in the directory is read instead.
    expect(result.files).toEqual([claude]);
    expect(result.warnings).toEqual([
      `ignored the instruction file AGENTS.md: it leads outside the repository (to ${netrc}), and a repository's instruction files may only be files inside it`,
      `ignored the instruction file sub/CLAUDE.md: it leads outside the repository (to ${pgpass}), and a repository's instruction files may only be files inside it`,
      `ignored the instruction file sub/CLAUDE.local.md: it leads outside the repository (to ${netrc}), and a repository's instruction files may only be files inside it`,
    ]);
  });

  it("skips configured names that climb out of the repository, or point through a linked folder", async () => {
    await put(path.join(base, ".netrc"), "NETRC-CANARY");
    await put(path.join(home, "notes", "TEAM.md"), "HOME-CANARY");
    await symlink(path.join(home, "notes"), path.join(root, "linked"));
    const inside = await put(path.join(root, "docs", "TEAM.md"), "Team notes.");
    const result = await load(root, { fileNames: ["../.netrc", "linked/TEAM.md", "docs/TEAM.md"] });
    expect(result.text).not.toContain("CANARY");
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings.join("\n")).toContain(`the instruction file ${path.join(base, ".netrc")}:`);
    expect(result.warnings.join("\n")).toContain("the instruction file linked/TEAM.md:");
    expect(result.files).toEqual([inside]);
  });

  it("still follows a link that stays inside the repository", async () => {
    const real = await put(path.join(root, "docs", "agents.md"), "Linked inside.");
    await symlink(real, path.join(root, "AGENTS.md"));
    const result = await load(root);
    expect(result.text).toContain("Linked inside.");
    expect(result.warnings).toEqual([]);
  });

  it("keeps the boundary through nested imports and for a subdirectory's file", async () => {
    await put(path.join(base, "outside.md"), "OUTSIDE TEXT");
    await put(path.join(root, "docs", "more.md"), "More: @../../outside.md");
    await put(path.join(root, "AGENTS.md"), "@docs/more.md");
    await put(path.join(root, "pkg", "AGENTS.md"), "Pkg: @../../outside.md and @../docs/more.md");
    const result = await load(path.join(root, "pkg"));
    expect(result.text).not.toContain("OUTSIDE TEXT");
    expect(result.text.match(/import refused/g)).toHaveLength(3);
  });

  it("uses the cwd as the boundary outside any repository", async () => {
    const plain = path.join(base, "plain");
    await put(path.join(plain, "notes", "a.md"), "Inside cwd.");
    await put(path.join(base, "outside.md"), "OUTSIDE TEXT");
    await put(path.join(plain, "AGENTS.md"), "@notes/a.md @../outside.md");
    const result = await load(plain, { projectRoot: root });
    expect(result.text).toContain("Inside cwd.");
    expect(result.text).not.toContain("OUTSIDE TEXT");
  });

  it("redacts secrets in project files, global files and their imports", async () => {
    await put(path.join(home, ".aws", "credentials"), awsCredentials);
    await put(path.join(tacitHome, "AGENTS.md"), "My creds: @~/.aws/credentials");
    await put(
      path.join(root, "AGENTS.md"),
      "Deploy with ANTHROPIC_API_KEY=sk-ant-api03-Zx8Qm2Lp7Vt4Rn6Ks1Hw9Jd3Fb5Gc0Ya2Ue4Ti6Oq8\nRun tests.",
    );
    const result = await load(root);
    expect(result.text).not.toContain("wJalrXUtnFEMI");
    expect(result.text).not.toContain("AKIAZ7Q2XK4LMP3RTW9B");
    expect(result.text).not.toContain("sk-ant-api03");
    expect(result.text).toContain("[REDACTED:");
    expect(result.text).toContain("Run tests.");
  });
});

describe("budget", () => {
  it("cuts the file crossing the budget, marks it, and drops later files", async () => {
    await put(path.join(root, "AGENTS.md"), "x".repeat(40 * 1024));
    await put(path.join(root, "sub", "AGENTS.md"), "dropped");
    const result = await load(path.join(root, "sub"));
    expect(result.text).toContain(
      "[… truncated: instruction files exceed the 32 KiB budget. 1 more file(s) not loaded.]",
    );
    expect(result.text).not.toContain("dropped");
    expect(result.text.match(/x+/)![0].length).toBe(32 * 1024);
    expect(result.files).toEqual([path.join(root, "AGENTS.md")]);
  });

  it("counts all files together and never splits a character", async () => {
    await put(path.join(root, "AGENTS.md"), "aaaa");
    await put(path.join(root, "sub", "AGENTS.md"), "ééé");
    const result = await load(path.join(root, "sub"), { maxBytes: 9 });
    expect(result.text).toContain(
      "and below)\n\néé\n\n[… truncated: instruction files exceed the 9 bytes budget.]",
    );
    expect(result.text).not.toContain("\uFFFD");
  });

  it("turns instructions off with a budget of 0", async () => {
    await put(path.join(root, "AGENTS.md"), "rules");
    expect(await load(root, { maxBytes: 0 })).toEqual({ text: "", files: [], warnings: [] });
  });
});
