import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { builtinsWithoutNamespace } from "../../scripts/builtins-plugin.mjs";

const folder = mkdtempSync(path.join(tmpdir(), "tacit-builtins-plugin-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Bundles one module as scripts/build.mjs does (ESM for Node, the plugin on) and gives back its code. */
async function bundle(source: string): Promise<string> {
  const entry = path.join(folder, `entry-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "silent",
    plugins: [builtinsWithoutNamespace],
  });
  return result.outputFiles[0]!.text;
}

describe("built-in modules taken without an ESM namespace", () => {
  it("gives tacit's code the same functions, with no import of node:fs or node:util left to build a namespace", async () => {
    const code = await bundle(`
      import { readFileSync, constants } from "node:fs";
      import fs from "node:fs";
      import * as util from "node:util";
      import path from "node:path";
      const same = readFileSync === fs.readFileSync && util.isDeepStrictEqual === (await import("node:util")).isDeepStrictEqual;
      console.log(JSON.stringify({ same, read: readFileSync(process.argv[2], "utf8"), f: constants.F_OK, join: path.join("a", "b") }));
    `);
    expect(code).not.toMatch(/from\s*"node:(fs|util|path)"/);
    const output = path.join(folder, "bundled.mjs");
    writeFileSync(output, code);
    const text = path.join(folder, "text.txt");
    writeFileSync(text, "hello");
    const printed = JSON.parse(execFileSync(process.execPath, [output, text], { encoding: "utf8" }));
    expect(printed).toEqual({ same: true, read: "hello", f: 0, join: path.join("a", "b") });
  });

  it("fails the build when code names a lazy getter (fs.promises), instead of reading it at start", async () => {
    await expect(bundle(`import { promises } from "node:fs"; console.log(promises);`)).rejects.toThrow(
      /promises/,
    );
  });
});
