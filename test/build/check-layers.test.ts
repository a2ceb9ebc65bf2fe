import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** The layer check, run as `npm run layers` runs it, on a repository tree made for each case. */
const script = path.resolve("scripts/check-layers.mjs");
let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tacit-layers-"));
  write("src/core/errors.ts", "export class Failure extends Error {}\n");
  write(
    "src/config/paths.ts",
    'import { Failure } from "../core/errors.ts";\nexport const home = Failure;\n',
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** A code file of exactly `count` lines. */
function lines(count: number): string {
  return Array.from({ length: count }, (_, index) => `export const line${index} = ${index};\n`).join("");
}

function allow(entries: Record<string, { lines: number; reason: string }>): void {
  write("scripts/file-sizes.json", JSON.stringify(entries));
}

function check(): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [script], { cwd: root, encoding: "utf8" });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the layer check", () => {
  it("passes a tree whose imports point down and whose files are small", () => {
    const result = check();
    expect(result.output).toContain("imports point down, no cycles, sizes within the caps");
    expect(result.code).toBe(0);
  });

  it("fails an import that points up a layer", () => {
    write("src/core/model.ts", 'import { home } from "../config/paths.ts";\nexport const model = home;\n');
    const result = check();
    expect(result.output).toContain("src/core/model.ts: core/ must not import config/ (../config/paths.ts)");
    expect(result.code).toBe(1);
  });
});

describe("file sizes", () => {
  it("fails a source file over the soft cap that the allow-list does not name", () => {
    write("src/core/long.ts", lines(401));
    write("scripts/long.mjs", lines(401));
    write("src/core/at-the-cap.ts", lines(400));
    const result = check();
    expect(result.output).toContain("src/core/long.ts: 401 lines, over the soft cap of 400");
    expect(result.output).toContain("scripts/long.mjs: 401 lines, over the soft cap of 400");
    expect(result.output).not.toContain("at-the-cap");
    expect(result.code).toBe(1);
  });

  it("passes a listed file with its reason, and fails it once it grows past its listed size", () => {
    write("src/core/long.ts", lines(450));
    allow({ "src/core/long.ts": { lines: 450, reason: "one table of cases" } });
    expect(check().code).toBe(0);
    write("src/core/long.ts", lines(451));
    const grown = check();
    expect(grown.output).toContain("src/core/long.ts: 451 lines, more than the 450 it is listed with");
    expect(grown.code).toBe(1);
  });

  it("fails a file over the hard cap even when listed", () => {
    write("src/core/huge.ts", lines(801));
    allow({ "src/core/huge.ts": { lines: 801, reason: "none is good enough" } });
    const result = check();
    expect(result.output).toContain("src/core/huge.ts: 801 lines, over the hard cap of 800");
    expect(result.code).toBe(1);
  });

  it("tells to remove an entry whose file is back under the soft cap or gone", () => {
    write("src/core/shrunk.ts", lines(120));
    allow({
      "src/core/shrunk.ts": { lines: 430, reason: "was long" },
      "src/core/deleted.ts": { lines: 500, reason: "was long" },
    });
    const result = check();
    expect(result.output).toContain(
      '"src/core/shrunk.ts" is down to 120 lines, within the soft cap: remove its entry',
    );
    expect(result.output).toContain('"src/core/deleted.ts" no longer exists: remove its entry');
    expect(result.code).toBe(1);
  });

  it("refuses an entry without a reason", () => {
    write("src/core/long.ts", lines(420));
    allow({ "src/core/long.ts": { lines: 420, reason: " " } });
    const result = check();
    expect(result.output).toContain('"src/core/long.ts" needs { "lines"');
    expect(result.code).toBe(1);
  });

  it("holds tests to the hard cap only", () => {
    write("test/core/long.test.ts", lines(790));
    expect(check().code).toBe(0);
    write("test/core/huge.test.ts", lines(801));
    const result = check();
    expect(result.output).toContain("test/core/huge.test.ts: 801 lines, over the hard cap of 800");
    expect(result.code).toBe(1);
  });
});
