// Code that reads a file beside its own chunk by name (`new URL("./x", import.meta.url)`: a worker's
// entry, recall's word tables) finds nothing when the build leaves that file out of the bundle the
// chunk is in, and some of those readers then fall back quietly (recall to lexical-only ranking), others
// fail at the first use. dist/ and dist/print/ are two bundles (scripts/build.mjs), so every such name
// in either must be there beside it. Reads the build `npm test` made.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const dist = path.resolve(import.meta.dirname, "..", "..", "dist");
// The CommonJS print bundle has import.meta.url as __importMetaUrl (src/cli/print-bundle-loader.ts).
const besideChunk = /new URL\("\.\/([^"]+)",\s*(?:import\.meta\.url|__importMetaUrl)\)/g;
const isCode = (name: string) => name.endsWith(".js") || name.endsWith(".cjs");

/** The files a bundle's chunks read from beside themselves; a `.ts` name is the source tree's fallback. */
function namesReadBeside(folder: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(folder).filter(isCode)) {
    for (const match of readFileSync(path.join(folder, file), "utf8").matchAll(besideChunk))
      if (!match[1]!.endsWith(".ts")) names.add(match[1]!);
  }
  return names;
}

describe("the built bundles", () => {
  for (const folder of ["", "print"]) {
    it(`hold every file their code reads beside its chunk (dist/${folder})`, () => {
      const bundle = path.join(dist, folder);
      const names = namesReadBeside(bundle);
      // The scan reads the code right: the WebFetch converter worker's entry is read this way in both bundles.
      expect(names).toContain("web-fetch-markdown.js");
      for (const name of names) expect(existsSync(path.join(bundle, name)), name).toBe(true);
    });
  }
  it("are ASCII, so V8 keeps each chunk's source as one byte a character", () => {
    // One non-ASCII character (a "…" in a regular expression, which esbuild leaves as it is) makes the
    // whole chunk a two-byte string: twice the memory and a slower decode of 650 KB at every start.
    // Write such characters as \u escapes in the source.
    for (const folder of [dist, path.join(dist, "print")]) {
      for (const file of readdirSync(folder).filter(isCode)) {
        const text = readFileSync(path.join(folder, file), "latin1");
        expect(/[^\x00-\x7f]/.exec(text)?.index, file).toBeUndefined();
      }
    }
  });

  it("give a headless run recall's word-meaning tables", () => {
    expect(namesReadBeside(path.join(dist, "print"))).toContain("word-vectors.bin");
  });
});
