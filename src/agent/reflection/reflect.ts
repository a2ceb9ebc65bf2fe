import { AbortedError } from "../../core/errors.ts";
import type { Message } from "../../core/messages.ts";
import { isModelEnding, userMessage } from "../../core/messages.ts";
import type { ModelClient } from "../../core/model.ts";
import { newToolSessionState, type Tool } from "../../core/tool.ts";
import { addUsage, emptyUsage, type Usage } from "../../core/usage.ts";
import { dryRunTarget } from "../../memory/dry-run-target.ts";
import type { MemoryCommandTarget } from "../../memory/memory-commands.ts";
import type { MemoryService } from "../../memory/memory-service.ts";
import { createMemoryTool } from "../../tools/memory.ts";
import { runAgent } from "../loop.ts";
import { endingLine } from "../model-ending.ts";
import { recordingTarget } from "./recording-target.ts";
import {
  REFLECTION_SYSTEM_PROMPT,
  type ReflectionEdit,
  type ReflectionPurpose,
  reflectionRequest,
} from "./reflection-prompt.ts";

export type { ReflectionEdit, ReflectionPurpose } from "./reflection-prompt.ts";

export interface ReflectOptions {
  model: ModelClient;
  memory: MemoryService;
  signal: AbortSignal;
  /**
   * Names the session in commits ("reflection: … : session <label>") and is each memory's `source`:
   * a tacit session id, or "claude-code:<uuid>" / "codex:<uuid>" for imported ones.
   */
  sessionLabel: string;
  purpose: ReflectionPurpose;
  /** More about the session, said after its purpose (an imported session of another project says so). */
  sessionNote?: string;
  /** Only the part not reflected on before. */
  messages: readonly Message[];
  userEdits?: readonly ReflectionEdit[];
  /** Memory ids ("user/foo") the session wrote or recalled: their bodies go with the request. */
  touchedMemories?: readonly string[];
  /** Where writes go (the inbox's routing target); default the store. */
  target?: MemoryCommandTarget;
  /** More tools reflection may use, e.g. the skill drafting tool. */
  extraTools?: Tool[];
  /** Plan only: report what it would change, change nothing. */
  dryRun?: boolean;
  /** Model requests at most (default 12): reflection is a few edits, never an open-ended task. */
  maxRequests?: number;
}

export interface ReflectionOutcome {
  /** One line per change ("created user/run-linter-first", "deleted local/old-port"); in a dry run, what would change. */
  changes: string[];
  usage: Usage;
  costUsd: number;
  /** Input tokens of the first request (instructions, index, digest): what the session's digest cost to send. */
  requestInputTokens: number;
}

const DEFAULT_MAX_REQUESTS = 12;

/**
 * One reflection pass: the model reads the digest of a session with the memory index and the
 * memories the session touched, and changes memory through the memory tool (the only tool it has,
 * with `extraTools`), as actor "reflection". It runs the agent loop without turn context (no
 * recall: the index and touched memories are what it should see) and with a gate that allows only
 * its own tools. Throws when the model fails, so the caller can record the failure.
 */
export async function reflectOn(options: ReflectOptions): Promise<ReflectionOutcome> {
  const changes: string[] = [];
  const base = options.target ?? options.memory.store;
  const target = recordingTarget(options.dryRun ? dryRunTarget(base) : base, options.sessionLabel, changes);
  const memoryTool = createMemoryTool(options.memory, {
    sessionId: () => options.sessionLabel,
    actor: "reflection",
    target,
  });
  const tools: Tool[] = [memoryTool, ...(options.extraTools ?? [])];
  const allowed = new Set(tools);

  let usage = emptyUsage();
  let costUsd = 0;
  let requestInputTokens: number | undefined;
  let failure: string | undefined;
  let aborted = false;
  let lastWarning: string | undefined;
  const events = runAgent({
    model: options.model,
    system: REFLECTION_SYSTEM_PROMPT,
    messages: [],
    prompt: userMessage(reflectionRequest(options)),
    tools,
    toolContext: {
      cwd: options.memory.store.projectRoot,
      projectRoot: options.memory.store.projectRoot,
      state: newToolSessionState(),
    },
    signal: options.signal,
    maxTurns: options.maxRequests ?? DEFAULT_MAX_REQUESTS,
    hooks: {
      // The tools list is already only reflection's; the gate makes sure, since a tool given by
      // name to the model is not the same as one it may run.
      beforeToolCall: async (tool) =>
        allowed.has(tool as Tool)
          ? { allowed: true }
          : {
              allowed: false,
              reason: `reflection may only use ${tools.map((each) => each.name).join(", ")}`,
            },
    },
  });
  for await (const event of events) {
    if (event.type === "usage") {
      usage = addUsage(usage, event.usage);
      costUsd += event.costUsd;
      requestInputTokens ??= event.usage.inputTokens;
    } else if (event.type === "error" && event.fatal) {
      failure = event.message;
    } else if (event.type === "notice" && event.level === "warning") {
      lastWarning = event.text;
    } else if (event.type === "done") {
      aborted = event.reason === "aborted";
      // An answer cut, refused or filtered is no verdict on the session: "nothing worth keeping"
      // would advance the ledger past it for good, so it fails and the next run reflects again.
      if (isModelEnding(event.reason)) failure ??= lastWarning ?? endingLine(event.reason);
    }
  }
  if (aborted) throw new AbortedError();
  if (failure !== undefined) throw new ReflectionError(failure, { changes, usage, costUsd });
  if (options.dryRun) changes.splice(0, changes.length, ...changes.map((change) => `would have ${change}`));
  return { changes, usage, costUsd, requestInputTokens: requestInputTokens ?? 0 };
}

/** The model failed part-way: what was already changed and spent is kept, so the ledger can record it. */
export class ReflectionError extends Error {
  override name = "ReflectionError";
  readonly partial: Omit<ReflectionOutcome, "requestInputTokens">;

  constructor(message: string, partial: Omit<ReflectionOutcome, "requestInputTokens">) {
    super(message);
    this.partial = partial;
  }
}
