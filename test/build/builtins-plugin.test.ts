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
    // As scripts/build.mjs: the bundle has a require of its own.
    banner: {
      js: "import { createRequire as __tacitCreateRequire } from 'node:module'; const require = __tacitCreateRequire(import.meta.url);",
    },
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

  it("loads built-ins on a Node without process.getBuiltinModule, and names a built-in this Node lacks", async () => {
    const output = path.join(folder, "older-node.mjs");
    writeFileSync(output, await bundle(`import { join } from "node:path"; console.log(join("a", "b"));`));
    // Node 22.0-22.2 had no getBuiltinModule: the bundle must not depend on it.
    const withoutIt = "data:text/javascript,delete process.getBuiltinModule";
    expect(execFileSync(process.execPath, ["--import", withoutIt, output], { encoding: "utf8" }).trim()).toBe(
      path.join("a", "b"),
    );
    // A module this Node lacks (as node:sqlite is on a Node that keeps it behind a flag) fails in Node's
    // own words, not as a destructuring of undefined.
    const missing = path.join(folder, "missing-builtin.mjs");
    writeFileSync(missing, await bundle(`import { join } from "node:path"; console.log(join("a", "b"));`));
    const lacking =
      "data:text/javascript,const real = process.getBuiltinModule; process.getBuiltinModule = (name) => name === 'node:path' ? undefined : real(name); const M = await import('node:module'); const load = M.default._load; M.default._load = function (request, ...rest) { if (request === 'node:path') throw new Error('No such built-in module: node:path'); return load.call(this, request, ...rest); };";
    expect(() =>
      execFileSync(process.execPath, ["--import", lacking, missing], { encoding: "utf8", stdio: "pipe" }),
    ).toThrow(/No such built-in module: node:path/);
  });

  it("fails the build when code names a lazy getter (fs.promises), instead of reading it at start", async () => {
    await expect(bundle(`import { promises } from "node:fs"; console.log(promises);`)).rejects.toThrow(
      /promises/,
    );
  });
});
