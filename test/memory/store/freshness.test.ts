import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStale, missingPaths, referencedPaths } from "../../../src/memory/freshness.ts";

describe("freshness", () => {
  let projectRoot: string;
  beforeEach(() => {
    projectRoot = mkdtempSync(path.join(tmpdir(), "tacit-fresh-"));
    mkdirSync(path.join(projectRoot, "src", "memory"), { recursive: true });
    writeFileSync(path.join(projectRoot, "src", "present.ts"), "");
    writeFileSync(path.join(projectRoot, "package.json"), "{}");
  });
  afterEach(() => rmSync(projectRoot, { recursive: true, force: true }));

  it("finds paths in frontmatter and file-like backticked tokens, and skips what is not a file", () => {
    const found = referencedPaths({
      paths: ["docs/guide.md", "/etc/passwd", "src/**/*.ts"],
      body: "See `src/present.ts:12`, `./package.json` and `src/memory/`. Not files: `console.log`, `npm test`, `@ai-sdk/openai`, `https://x.io/a.ts`, `v1.2`.",
    });
    expect(found).toEqual(["docs/guide.md", "package.json", "src/memory/", "src/present.ts"]);
  });

  it("marks a memory stale only when a named file is missing", () => {
    const fresh = { paths: ["src/present.ts"], body: "Config lives in `package.json`." };
    expect(isStale(fresh, projectRoot)).toBe(false);
    const stale = { body: "The loop is in `src/gone.ts`; tests in `src/present.ts`." };
    expect(missingPaths(stale, projectRoot)).toEqual(["src/gone.ts"]);
    expect(isStale(stale, projectRoot)).toBe(true);
  });
});
