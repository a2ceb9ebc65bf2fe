import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UserFacingError } from "../../core/errors.ts";
import { printStderrLine, terminalSafe } from "../../core/terminal-safe.ts";
import { agentFileMemories } from "../../memory/import/agent-file-memories.ts";
import { AgentFileError, isAgentFileDocument, parseAgentFile } from "../../memory/import/letta-agent-file.ts";
import { planReimport } from "../../memory/import/reimport.ts";
import { writeImportedMemories } from "../../memory/import/write-imported.ts";
import { InvalidMemoryError, validateMemory } from "../../memory/memory-file.ts";
import type { MemoryScope } from "../../memory/scopes.ts";
import { type MemoryContext, print } from "./memory-context.ts";

// Larger than any agent file worth importing; read whole only below this.
const MAX_AGENT_FILE_BYTES = 64 * 1024 * 1024;

/** A file `tacit memory import` treats as a Letta agent file: named `.af`, or JSON shaped like one. */
export function isLettaAgentFilePath(filePath: string): boolean {
  const stats = statSync(filePath, { throwIfNoEntry: false });
  if (!stats?.isFile()) return false;
  if (filePath.toLowerCase().endsWith(".af")) return true;
  if (!filePath.toLowerCase().endsWith(".json") || stats.size > MAX_AGENT_FILE_BYTES) return false;
  return isAgentFileDocument(readFileSync(filePath, "utf8"));
}

/**
 * `tacit memory import agent.af`: a Letta agent's memory blocks and archival
 * passages become memories, one each, in one commit. The whole file is read
 * and every memory prepared before anything is written, so a malformed file
 * is one line and no change. Nothing in the file runs: its tools' source code
 * is never even read.
 */
export async function importAgentFile(
  context: MemoryContext,
  filePath: string,
  options: { scope: MemoryScope; dryRun: boolean },
): Promise<void> {
  const fileName = path.basename(filePath);
  if (statSync(filePath).size > MAX_AGENT_FILE_BYTES)
    throw new UserFacingError(
      `${fileName}: larger than ${MAX_AGENT_FILE_BYTES / 1024 / 1024} MB; not an agent file to import`,
    );
  let parsed: ReturnType<typeof parseAgentFile>;
  try {
    parsed = parseAgentFile(readFileSync(filePath, "utf8"));
  } catch (error) {
    if (error instanceof AgentFileError)
      throw new UserFacingError(`${terminalSafe(fileName)}: ${error.message}; nothing imported`);
    throw error;
  }
  const store = context.service.store;
  if (!store.isEnabled(options.scope))
    throw new UserFacingError(
      `the ${options.scope} memory scope is turned off or unavailable here; nothing imported`,
    );
  const { memories, skipped } = agentFileMemories(parsed, fileName, (name) =>
    store.exists(options.scope, name),
  );
  // Everything printed comes from the file (agent names, labels, text): no terminal escape gets through.
  const say = (line: string) => print(terminalSafe(line));
  const agents = parsed.agents.join(", ");
  if (memories.length === 0) {
    say(`${fileName} (Letta agent ${agents}) holds no memory to import.`);
    return;
  }
  // The dry run checks what the import would: it says only what the import then does.
  for (const memory of memories) validOrRefused(memory, fileName);
  const plan = planReimport(store, options.scope, memories);
  // After the changes: what was left as it was, and what held nothing.
  const rest = [
    ...plan.unchanged.map((name) => `  = ${options.scope}/${name}: already imported, unchanged`),
    ...skipped.map((line) => `  - ${line}`),
  ];
  if (plan.fresh.length + plan.changed.length === 0) {
    say(`Nothing to import from ${fileName} (Letta agent ${agents}): all of it was already imported.`);
    for (const line of rest) say(line);
    return;
  }
  if (options.dryRun) {
    say(
      `Would import ${plan.fresh.length} and update ${plan.changed.length} from ${fileName} (Letta agent ${agents}, ${parsed.generation} format) into ${options.scope} memory:`,
    );
    for (const memory of plan.fresh)
      say(`  + ${options.scope}/${memory.name} (${memory.type}) ${memory.description}`);
    for (const memory of plan.changed)
      say(`  ~ ${options.scope}/${memory.name} (${memory.type}) ${memory.description}`);
    for (const line of rest) say(line);
    return;
  }
  const changing = [...plan.fresh, ...plan.changed];
  const result = await writeImportedMemories(store, options.scope, changing, {
    summary: `${changing.length} memories from Letta agent file ${fileName}`,
    reason: `tacit memory import ${fileName}`,
    replacing: new Set(plan.changed.map((memory) => memory.name)),
  });
  for (const line of result.notices) printStderrLine(`warning: ${line}`);
  context.service.syncIndex();
  say(
    `Imported ${plan.fresh.length} and updated ${plan.changed.length} from ${fileName} (Letta agent ${agents}) into ${options.scope} memory.`,
  );
  const updated = new Set(plan.changed.map((memory) => memory.name));
  for (const { memory, redactions } of result.written) {
    const redacted = redactions > 0 ? `, ${redactions} secret(s) redacted` : "";
    say(
      `  ${updated.has(memory.name) ? "~" : "+"} ${options.scope}/${memory.name} (${memory.type}${redacted})`,
    );
  }
  for (const line of rest) say(line);
}

function validOrRefused(memory: Parameters<typeof validateMemory>[0], fileName: string): void {
  try {
    validateMemory(memory);
  } catch (error) {
    if (error instanceof InvalidMemoryError)
      throw new UserFacingError(`${terminalSafe(fileName)}: ${error.message}; nothing imported`);
    throw error;
  }
}
