import { readFileSync } from "node:fs";
import path from "node:path";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { NARROW_TEXT_PATTERN } from "../../scripts/build-plugins.mjs";

const narrow = new RegExp(NARROW_TEXT_PATTERN as string);

describe("the string-width fast path", () => {
  it("admits only characters string-width itself measures as one column", () => {
    let admitted = 0;
    for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const character = String.fromCodePoint(codePoint);
      if (!narrow.test(character)) continue;
      admitted++;
      expect(stringWidth(character), `U+${codePoint.toString(16).toUpperCase()}`).toBe(1);
    }
    expect(admitted).toBeGreaterThan(800);
  });

  it("leaves wide, zero-width and emoji text to the full measurement", () => {
    for (const text of ["✅ done", "漢字", "e\u0301", "a\u200Bb", "\u00AD", "◽", "👍"]) {
      expect(narrow.test(text), JSON.stringify(text)).toBe(false);
    }
  });

  it("matches the code it patches in the installed string-width", () => {
    const source = readFileSync(path.resolve("node_modules/string-width/index.js"), "utf8");
    expect(source).toContain("if (/^[\\u0020-\\u007E]*$/.test(string)) {");
  });
});
