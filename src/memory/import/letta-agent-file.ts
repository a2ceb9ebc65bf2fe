/**
 * Letta agent files (`.af`): the memory in them, read as data. An agent file
 * is one JSON document holding an agent's whole state, including its tools'
 * Python source code; only the memory is read here (core memory blocks and
 * archival passages), with JSON.parse and property reads, so nothing in the
 * file is ever run or evaluated.
 *
 * Two generations exist (see ../shared/interop/agent-file/README.md): the
 * current one (`agents`, `blocks` referenced by id, blocks shared between
 * agents) and the legacy single-agent one (`core_memory` inline). Some
 * exports are double-encoded: a JSON string whose content is the document.
 */

export class AgentFileError extends Error {
  override name = "AgentFileError";
}

/** One piece of an agent's memory, before it becomes a tacit memory. */
export interface AgentMemory {
  kind: "block" | "passage";
  /** The block's label (`persona`, `human` …), or `passage-<n>` for archival memory. */
  label: string;
  /** The agent it belongs to (the first that uses it, for a block shared between agents). */
  agent: string;
  text: string;
  /** What the block is for, as Letta tells its model. */
  purpose?: string;
}

export interface ParsedAgentFile {
  generation: "current" | "legacy";
  agents: string[];
  memories: AgentMemory[];
}

type Json = Record<string, unknown>;

/** The document inside an agent file's text; a JSON string holding JSON is unwrapped once. */
function documentOf(text: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === "string") value = JSON.parse(value);
  } catch (error) {
    throw new AgentFileError(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new AgentFileError("not a Letta agent file: the JSON is not an object");
  return value as Json;
}

/** A JSON document shaped like an agent file of either generation (for telling one from other imports). */
export function isAgentFileDocument(text: string): boolean {
  try {
    const document = documentOf(text);
    return Array.isArray(document.agents) || Array.isArray(document.core_memory);
  } catch {
    return false;
  }
}

export function parseAgentFile(text: string): ParsedAgentFile {
  const document = documentOf(text);
  if (Array.isArray(document.agents)) return parseCurrent(document);
  if (Array.isArray(document.core_memory)) return parseLegacy(document);
  throw new AgentFileError('not a Letta agent file: it has neither "agents" nor "core_memory"');
}

function parseCurrent(document: Json): ParsedAgentFile {
  const agents = objects(document.agents, "agents");
  const blocks = new Map<string, Json>();
  for (const block of objects(document.blocks ?? [], "blocks")) blocks.set(String(block.id), block);
  const memories: AgentMemory[] = [];
  // A block several agents point at is one memory (shared memory stays shared), named for the first.
  const taken = new Set<string>();
  for (const agent of agents) {
    const agentName = stringOf(agent.name) ?? stringOf(agent.id) ?? "agent";
    const ids = Array.isArray(agent.block_ids) ? agent.block_ids.map(String) : [];
    for (const id of ids) {
      if (taken.has(id)) continue;
      const block = blocks.get(id);
      if (!block)
        throw new AgentFileError(
          `agent "${agentName}" refers to block "${id}", which the file does not hold`,
        );
      taken.add(id);
      memories.push(blockMemory(block, agentName));
    }
    memories.push(...passagesOf(agent, agentName));
  }
  const firstAgent = stringOf(agents[0]?.name) ?? "agent";
  memories.push(...passagesOf(document, firstAgent));
  return { generation: "current", agents: agents.map((agent) => stringOf(agent.name) ?? "agent"), memories };
}

function parseLegacy(document: Json): ParsedAgentFile {
  const agentName = stringOf(document.name) ?? "agent";
  const memories = objects(document.core_memory, "core_memory").map((block) => blockMemory(block, agentName));
  memories.push(...passagesOf(document, agentName));
  return { generation: "legacy", agents: [agentName], memories };
}

function blockMemory(block: Json, agent: string): AgentMemory {
  const label = stringOf(block.label) ?? stringOf(block.id) ?? "block";
  const purpose = stringOf(block.description);
  return { kind: "block", label, agent, text: stringOf(block.value) ?? "", ...(purpose ? { purpose } : {}) };
}

/**
 * Archival memory. The samples carry none (Letta exports it apart for now),
 * so the shapes read are Letta's own passage objects (`{ text }`) under the
 * keys a file would use for them: `passages` or `archival_memory`.
 */
function passagesOf(holder: Json, agent: string): AgentMemory[] {
  const list = holder.passages ?? holder.archival_memory;
  if (list === undefined || list === null) return [];
  return objects(list, "passages").flatMap((passage, index) => {
    const text = stringOf(passage.text) ?? stringOf(passage.content);
    return text ? [{ kind: "passage" as const, label: `passage-${index + 1}`, agent, text }] : [];
  });
}

function objects(value: unknown, key: string): Json[] {
  if (
    !Array.isArray(value) ||
    value.some((item) => typeof item !== "object" || item === null || Array.isArray(item))
  )
    throw new AgentFileError(`"${key}" is not a list of objects`);
  return value as Json[];
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
