import { describe, expect, it } from "vitest";
import {
  completeMemory,
  composeMemoryBody,
  type Memory,
  parseMemoryFile,
  serializeMemory,
  slugifyMemoryName,
  validateMemory,
} from "../../../src/memory/memory-file.ts";

const sample: Memory = {
  name: "use-pnpm",
  description: "Use pnpm, not npm, in every project",
  type: "preference",
  created: "2026-01-02T03:04:05.000Z",
  updated: "2026-01-03T03:04:05.000Z",
  source: "session-123",
  paths: ["package.json"],
  links: ["lockfile-policy"],
  body: composeMemoryBody({
    fact: "The user installs packages with pnpm.",
    why: "npm broke their workspace links.",
    howToApply: "Run `pnpm install`, never `npm install`.",
  }),
};

describe("memory files", () => {
  it("round-trips through serialise and parse without loss or warnings", () => {
    const text = serializeMemory(sample);
    const { memory, warnings } = parseMemoryFile(text, "use-pnpm");
    expect(warnings).toEqual([]);
    expect(memory).toEqual(sample);
    expect(serializeMemory(memory)).toBe(text);
  });

  it("keeps pinned: true, writes nothing for an unpinned memory and warns about a pinned that is not a yes or no", () => {
    const pinned = serializeMemory({ ...sample, pinned: true });
    expect(pinned).toContain("\npinned: true\n");
    expect(parseMemoryFile(pinned, "use-pnpm").memory.pinned).toBe(true);
    expect(serializeMemory({ ...sample, pinned: false })).toBe(serializeMemory(sample));
    const odd = parseMemoryFile(pinned.replace("pinned: true", "pinned: forever"), "use-pnpm");
    expect(odd.memory.pinned).toBeUndefined();
    expect(odd.warnings).toEqual(['pinned is "forever", not true or false; read as not pinned']);
  });

  it("writes frontmatter keys in a stable order whatever the object's order", () => {
    const shuffled: Memory = {
      body: sample.body,
      links: sample.links,
      type: sample.type,
      name: sample.name,
      updated: sample.updated,
      description: sample.description,
      source: sample.source,
      paths: sample.paths,
      created: sample.created,
    };
    const text = serializeMemory(shuffled);
    expect(text).toBe(serializeMemory(sample));
    const keys = text
      .split("---")[1]!
      .split("\n")
      .filter((line) => /^[a-z]+:/.test(line))
      .map((line) => line.split(":")[0]);
    expect(keys).toEqual(["name", "description", "type", "created", "updated", "source", "paths", "links"]);
    expect(text).toContain("**Why:** npm broke their workspace links.");
    expect(text).toContain("**How to apply:**");
  });

  it("infers name, description and type when a hand-written file has no frontmatter", () => {
    const { memory, warnings } = parseMemoryFile(
      "# Deploys go through CI\n\nNever deploy from a laptop.\n",
      "deploys",
    );
    expect(memory.name).toBe("deploys");
    expect(memory.description).toBe("Deploys go through CI");
    expect(memory.type).toBe("reference");
    expect(memory.body).toContain("Never deploy from a laptop.");
    expect(warnings.join(" ")).toMatch(/no frontmatter/);
  });

  it("tolerates broken YAML, unknown types, a mismatched name and odd lists, with warnings", () => {
    const broken = parseMemoryFile("---\nname: [oops\n---\nBody line\n", "broken");
    expect(broken.memory.name).toBe("broken");
    expect(broken.memory.description).toBe("Body line");
    expect(broken.warnings.join(" ")).toMatch(/not valid YAML/);

    // A mistake on one line (an unclosed quote) leaves the plainly written keys readable.
    const unclosed = parseMemoryFile(
      '---\nname: release\ndescription: "unclosed\ntype: decision\nsource: cli\n---\nTag, then publish.\n',
      "release",
    );
    expect(unclosed.broken).toMatch(
      /^frontmatter is not valid YAML: Missing closing "quote at line \d+, column \d+$/,
    );
    expect(unclosed.memory.type).toBe("decision");
    expect(unclosed.memory.source).toBe("cli");
    expect(unclosed.memory.description).toBe("Tag, then publish.");

    const odd = parseMemoryFile(
      "---\nname: other-name\ndescription: |\n  two\n  lines\ntype: feedback\ncreated: yesterday\npaths: src/a.ts\nlinks: [Not A Name, fine-link]\ncolour: blue\n---\nbody\n",
      "Odd File",
    );
    expect(odd.memory.name).toBe("odd-file");
    expect(odd.memory.description).toBe("two lines");
    expect(odd.memory.type).toBe("reference");
    expect(odd.memory.created).toBeUndefined();
    expect(odd.memory.paths).toEqual(["src/a.ts"]);
    expect(odd.memory.links).toEqual(["fine-link"]);
    expect(odd.memory.extra).toEqual({ colour: "blue" });
    const joined = odd.warnings.join(" | ");
    for (const expected of [
      "not kebab-case",
      "differs from the file name",
      "unknown",
      "not a timestamp",
      "link",
    ]) {
      expect(joined).toContain(expected);
    }
    // Unknown keys survive a rewrite.
    expect(serializeMemory(odd.memory)).toContain("colour: blue");
  });

  it("validates names, descriptions and types", () => {
    expect(() => validateMemory({ ...sample, name: "Use PNPM" })).toThrow(/kebab-case/);
    expect(() => validateMemory({ ...sample, description: " " })).toThrow(/description/);
    expect(() => validateMemory({ ...sample, type: "feedback" as Memory["type"] })).toThrow(/type/);
    expect(validateMemory({ ...sample, description: "  padded  " }).description).toBe("padded");
  });

  it("completes created, updated and source, keeping an existing created", () => {
    const now = new Date("2026-05-05T05:05:05.000Z");
    const fresh = completeMemory(
      { name: "x", description: "d", type: "pattern", body: "" },
      { now, sessionId: "s1" },
    );
    expect(fresh).toMatchObject({ created: now.toISOString(), updated: now.toISOString(), source: "s1" });
    const kept = completeMemory(sample, { now });
    expect(kept.created).toBe(sample.created);
    expect(kept.updated).toBe(now.toISOString());
    expect(kept.source).toBe("session-123");
  });

  it("slugifies free text into a memory name", () => {
    expect(slugifyMemoryName("  Use pnpm — not NPM! ")).toBe("use-pnpm-not-npm");
    expect(slugifyMemoryName("Café déjà vu")).toBe("cafe-deja-vu");
    expect(slugifyMemoryName("!!!")).toBe("memory");
  });
});
