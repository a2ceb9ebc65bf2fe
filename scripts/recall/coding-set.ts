// The coding recall set (scripts/recall/coding-set/): 500 hand-written memories in the
// shape tacit's memory files have (frontmatter name, description, type; a short body),
// from several projects, languages and tools plus the user's preferences and corrections,
// and hand-labelled prompts, some with a relevant memory and some with none.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { SearchDocument } from "../../src/memory/search/types.ts";

const folder = path.join(import.meta.dirname, "coding-set");

export interface CodingMemory {
  name: string;
  description: string;
  type: string;
  body: string;
}

export interface CodingPrompt {
  text: string;
  /** The memories any of which should be recalled in the top 3; empty when none is relevant. */
  relevant: string[];
  /** "A" chooses thresholds, "B" is held out: alternate prompts of each kind, in file order. */
  half: "A" | "B";
}

/** Every memory in the set, read from the .md files (each holds many memory files' texts, one after another). */
export function codingMemories(): CodingMemory[] {
  const memories: CodingMemory[] = [];
  for (const file of readdirSync(folder)
    .filter((name) => name.endsWith(".md") && name !== "prompts.md")
    .sort()) {
    const text = readFileSync(path.join(folder, file), "utf8");
    for (const block of text.split(/^---\n(?=name: )/m).slice(1)) {
      const [frontmatter, body] = block.split(/^---\n/m) as [string, string];
      const field = (key: string) => new RegExp(`^${key}: (.*)$`, "m").exec(frontmatter)?.[1]?.trim() ?? "";
      memories.push({
        name: field("name"),
        description: field("description"),
        type: field("type"),
        body: body.trim(),
      });
    }
  }
  return memories;
}

/** The labelled prompts; throws on a label naming no memory, so a typo cannot pass as a miss. */
export function codingPrompts(memories: CodingMemory[]): CodingPrompt[] {
  const names = new Set(memories.map((memory) => memory.name));
  const seen = { relevant: 0, none: 0 };
  return readFileSync(path.join(folder, "prompts.md"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const separator = line.lastIndexOf(" => ");
      const text = line.slice(0, separator).replaceAll("\\n", "\n").replaceAll("\\t", "\t");
      const label = line.slice(separator + 4).trim();
      const relevant = label === "-" ? [] : label.split(",").map((name) => name.trim());
      for (const name of relevant)
        if (!names.has(name)) throw new Error(`prompts.md: no memory named ${name}`);
      const kind = relevant.length === 0 ? "none" : "relevant";
      const half = seen[kind]++ % 2 === 0 ? "A" : "B";
      return { text, relevant, half };
    });
}

/** A memory as MemoryService indexes its file: preferences in the user scope, the rest in the project's. */
export function memoryDocument(memory: CodingMemory, projectKey: string, updatedAt: number): SearchDocument {
  const user = memory.type === "preference";
  return {
    id: memory.name,
    kind: "memory",
    scope: user ? "user" : "project",
    ...(user ? {} : { projectKey }),
    title: `${memory.name.replaceAll("-", " ")}: ${memory.description}`,
    body: memory.body,
    context: memory.type,
    updatedAt,
  };
}
