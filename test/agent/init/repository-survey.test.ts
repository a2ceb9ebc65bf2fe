import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SURVEY_BUDGET, surveyRepository } from "../../../src/agent/init/repository-survey.ts";

// A token in the shape GitHub issues (ghp_ and 36 characters): the redaction rules know it by its prefix.
const SECRET = `ghp_${"a1B2c3D4e5".repeat(3)}f6G7h8`;

describe("surveyRepository", () => {
  let root: string;
  const write = (relative: string, text: string) => {
    const file = path.join(root, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "tacit-survey-"));
    execFileSync("git", ["init", "-q"], { cwd: root });
    write(
      "package.json",
      JSON.stringify({
        name: "fixture-app",
        type: "module",
        scripts: {
          build: "tsc -p .",
          test: "vitest run",
          "test:e2e": "vitest run test/e2e",
          deploy: `GITHUB_TOKEN=${SECRET} node deploy.js`,
        },
        devDependencies: { vitest: "^3.0.0", typescript: "^5.0.0" },
      }),
    );
    write("pnpm-lock.yaml", "lockfileVersion: 9\n");
    write("README.md", "# Fixture app\n\nA small app that greets people.\n");
    write("AGENTS.md", "Run pnpm test before every commit.\n");
    write("Makefile", "CC := gcc\n.PHONY: test\nbuild: deps\n\tcc x.c\ntest:\n\t./run-tests\n%.o: %.c\n");
    write(
      ".github/workflows/ci.yml",
      "jobs:\n  test:\n    steps:\n      - run: pnpm install\n      - run: |\n          pnpm lint\n          pnpm test\n      - uses: actions/cache@v4\n",
    );
    write(".gitignore", "dist/\n*.log\n");
    write("src/index.ts", "export const greet = (name: string) => 'hi ' + name;\n");
    write("src/util/strings.ts", "export {};\n");
    write("dist/index.js", "compiled\n");
    write("debug.log", "noise\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lists the layout without git-ignored files, and quotes manifests, commands, CI, README and AGENTS.md", async () => {
    const survey = await surveyRepository(root);
    expect(survey.text).toContain("src/index.ts");
    expect(survey.text).toContain("src/util/strings.ts");
    expect(survey.text).toContain("Top-level folders: src/ (2)");
    expect(survey.text).not.toContain("dist/index.js");
    expect(survey.text).not.toContain("debug.log");
    expect(survey.text).toContain("Hidden at the root: .github/ .gitignore");
    expect(survey.text).toContain("pnpm (pnpm-lock.yaml)");
    expect(survey.text).toContain("pnpm run test    # vitest run");
    expect(survey.text).toContain("pnpm run test:e2e    # vitest run test/e2e");
    expect(survey.text).toContain("make build\nmake test");
    expect(survey.text).not.toContain("make CC");
    expect(survey.text).toContain("ci.yml: pnpm install ; pnpm lint ; pnpm test");
    expect(survey.text).toContain("devDependencies: vitest, typescript");
    expect(survey.text).toContain("A small app that greets people.");
    expect(survey.text).toContain("## AGENTS.md (already in the repository)");
    expect(survey.text).toContain("Run pnpm test before every commit.");
    expect(survey.quoted).toEqual(
      expect.arrayContaining(["package.json", "Makefile", "README.md", "AGENTS.md"]),
    );
  });

  it("redacts a secret in a manifest", async () => {
    const survey = await surveyRepository(root);
    expect(survey.text).not.toContain(SECRET);
    expect(survey.text).toContain("[REDACTED:");
    expect(survey.text).toContain("node deploy.js");
    expect(survey.redactions).toBeGreaterThan(0);
  });

  it("keeps each part and the whole within its budget, saying what was cut", async () => {
    for (let index = 0; index < 400; index++) write(`src/generated/module-${index}.ts`, "export {};\n");
    write("README.md", `# Fixture app\n\n${"A long line of prose about the app.\n".repeat(500)}`);
    const survey = await surveyRepository(root, {
      ...DEFAULT_SURVEY_BUDGET,
      tree: 1_000,
      readme: 500,
      total: 4_000,
    });
    expect(survey.text.length).toBeLessThanOrEqual(4_000 + 100);
    // The shallow files come first, so the root's manifests are listed even when the tree is cut.
    expect(survey.text).toContain("package.json");
    expect(survey.text).toContain("Top-level folders: src/ (402)");
    expect(survey.text).toMatch(/… and \d+ more \(list a folder to see them\)/);
    expect(survey.text).toContain("… (cut: read README.md for the rest)");
    const tree = survey.text.slice(
      survey.text.indexOf("## Files"),
      survey.text.indexOf("## Package manager"),
    );
    expect(tree.length).toBeLessThanOrEqual(1_000 + 200);
  });
});
