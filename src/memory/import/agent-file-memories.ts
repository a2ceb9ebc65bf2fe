import { plainLine } from "../../core/terminal-safe.ts";
import { type Memory, type MemoryType, slugifyMemoryName } from "../memory-file.ts";
import type { AgentMemory, ParsedAgentFile } from "./letta-agent-file.ts";

const DESCRIPTION_LIMIT = 120;
const NAME_LIMIT = 56;

/** Labels Letta's examples use, by what they hold for tacit. */
const PREFERENCE_LABEL = /human|user|preference|correction|custom.?instruction/i;
const PATTERN_LABEL = /persona|soul|rule|guardrail|instruction|format|style|pattern|behaviou?r/i;

/**
 * tacit memories for an agent file's memory: one per block or passage, named
 * `<agent>-<label>` in kebab-case (made unique with -2, -3 … against `taken`
 * and each other), described by the start of its text, its `source` naming the
 * file and the block (`letta:loop.af#persona`). An empty block holds nothing
 * to remember and is listed as skipped. Agent names and labels are anyone's
 * text: they are made plain lines (no control characters, no line breaks)
 * first, so a name, description or source never carries a terminal escape or
 * breaks the frontmatter, and a dry run lists what the import then writes.
 */
export function agentFileMemories(
  parsed: ParsedAgentFile,
  fileName: string,
  taken: (name: string) => boolean,
): { memories: Memory[]; skipped: string[] } {
  const names = new Set<string>();
  const memories: Memory[] = [];
  const skipped: string[] = [];
  for (const raw of parsed.memories) {
    const item = { ...raw, agent: plainLine(raw.agent) || "agent", label: plainLine(raw.label) || "block" };
    const text = item.text.trim();
    if (!text) {
      skipped.push(`${item.agent}/${item.label}: empty`);
      continue;
    }
    const name = uniqueName(
      slugifyMemoryName(`${item.agent}-${item.label}`).slice(0, NAME_LIMIT).replace(/-+$/, ""),
      (candidate) => names.has(candidate) || taken(candidate),
    );
    names.add(name);
    memories.push({
      name,
      description: describe(item, text),
      type: guessType(item),
      source: importSource(fileName, item.label),
      body: item.purpose
        ? `${text}\n\n(Letta's note on the "${item.label}" block: ${plainLine(item.purpose)})`
        : text,
    });
  }
  return { memories, skipped };
}

/** The `source` an imported block's memory records: how a later import of the same file finds it. */
function importSource(fileName: string, label: string): string {
  return `letta:${plainLine(fileName)}#${label}`;
}

function guessType(item: AgentMemory): MemoryType {
  if (item.kind === "passage") return "reference";
  if (PREFERENCE_LABEL.test(item.label)) return "preference";
  if (PATTERN_LABEL.test(item.label)) return "pattern";
  return "reference";
}

function describe(item: AgentMemory, text: string): string {
  const what = item.kind === "passage" ? "archival memory" : `"${item.label}" block`;
  // As much of the text as fits, cut at a word: "I'm Loop." alone would say little in the index.
  const description = `Letta agent ${item.agent}'s ${what}: ${plainLine(text)}`;
  if (description.length <= DESCRIPTION_LIMIT) return description;
  const cut = description.slice(0, DESCRIPTION_LIMIT - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), DESCRIPTION_LIMIT / 2))}…`;
}

function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let suffix = 2; ; suffix++) if (!taken(`${base}-${suffix}`)) return `${base}-${suffix}`;
}
