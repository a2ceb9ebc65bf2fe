import { describe, expect, it } from "vitest";
import { findMentions } from "../../../src/agent/attachments/mentions.ts";

const paths = (text: string) => findMentions(text).map((mention) => mention.path);

describe("findMentions", () => {
  it("finds @path at the start of a word, with trailing punctuation as an alternative spelling", () => {
    expect(findMentions("explain @src/a.ts, then (@b.md)")).toEqual([
      { path: "src/a.ts,", alternatives: ["src/a.ts"] },
      { path: "b.md)", alternatives: ["b.md"] },
    ]);
  });

  it("reads a quoted path with spaces", () => {
    expect(paths('see @"my notes.txt" now')).toEqual(["my notes.txt"]);
  });

  it("leaves emails and escaped @ alone", () => {
    expect(paths("mail a@b.com or \\@team")).toEqual([]);
  });

  it("takes a pasted image path (plain, quoted or with escaped spaces) without an @", () => {
    expect(paths("/tmp/shot.png")).toEqual(["/tmp/shot.png"]);
    expect(paths("look '/tmp/my shot.jpg' and /tmp/other\\ one.webp please")).toEqual([
      "/tmp/my shot.jpg",
      "/tmp/other one.webp",
    ]);
    // A path that is not an image is not taken without the @.
    expect(paths("/etc/passwd")).toEqual([]);
  });

  it("names each path once", () => {
    expect(paths("@a.ts and @a.ts")).toEqual(["a.ts"]);
  });
});
