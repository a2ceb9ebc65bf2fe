import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UserFacingError } from "../../core/errors.ts";
import { agentFileMemories } from "../../memory/import/agent-file-memories.ts";
import { AgentFileError, isAgentFileDocument, parseAgentFile } from "../../memory/import/letta-agent-file.ts";
import { writeImportedMemories } from "../../memory/import/write-imported.ts";
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
      throw new UserFacingError(`${fileName}: ${error.message}; nothing imported`);
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
  const agents = parsed.agents.join(", ");
  if (memories.length === 0) {
    print(`${fileName} (Letta agent ${agents}) holds no memory to import.`);
    return;
  }
  if (options.dryRun) {
    print(
      `Would import ${memories.length} from ${fileName} (Letta agent ${agents}, ${parsed.generation} format) into ${options.scope} memory:`,
    );
    for (const memory of memories)
      print(`  + ${options.scope}/${memory.name} (${memory.type}) ${memory.description}`);
    for (const line of skipped) print(`  - ${line}`);
    return;
  }
  const result = await writeImportedMemories(store, options.scope, memories, {
    summary: `${memories.length} memories from Letta agent file ${fileName}`,
    reason: `tacit memory import ${fileName}`,
  });
  for (const line of result.notices) process.stderr.write(`tacit: warning: ${line}\n`);
  context.service.syncIndex();
  print(
    `Imported ${result.written.length} from ${fileName} (Letta agent ${agents}) into ${options.scope} memory.`,
  );
  for (const { memory, redactions } of result.written) {
    const redacted = redactions > 0 ? `, ${redactions} secret(s) redacted` : "";
    print(`  + ${options.scope}/${memory.name} (${memory.type}${redacted})`);
  }
  for (const line of skipped) print(`  - ${line}`);
}
