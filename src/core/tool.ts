import type { z } from "zod";
import type { AgentEvent } from "./events.ts";
import type { PermissionDecision } from "./permission-mode.ts";
import type { ToolDisplay } from "./tool-display.ts";

export type { FileChange, ToolDisplay } from "./tool-display.ts";

/**
 * What a tool call asks permission for, so one rule syntax (Claude Code's:
 * `Bash(npm test:*)`, `Edit(src/**)`, `Read(~/.ssh/**)`) covers every tool and
 * every model family's tool names.
 */
export type PermissionSubject =
  | { kind: "read"; paths: string[] }
  | { kind: "edit"; paths: string[] }
  /**
   * sandbox: "inside" when the command will run in the OS sandbox, "escalated"
   * when the model asked to run it outside one that is in force (with its
   * reason); absent when there is no sandbox.
   */
  | { kind: "bash"; command: string; sandbox?: "inside" | "escalated"; escalationReason?: string }
  | { kind: "memory"; paths: string[]; mutating: boolean }
  /**
   * A tool of an MCP server: what it does is the server's business, so it is
   * an action that asks unless a rule allows `mcp__<server>[__<tool>]`, or
   * `readOnly` (the server's readOnlyHint, honoured only when the user's own
   * settings say so) makes it a read.
   */
  | { kind: "mcp"; server: string; tool: string; readOnly: boolean }
  /**
   * A web fetch: judged by the URL's host against `WebFetch(domain:…)` rules.
   * privateAddress: the host is, or resolves to, a loopback, private or
   * link-local address; then only an allow rule naming that host exactly lets
   * it through, in every mode (server-side request forgery).
   */
  | { kind: "fetch"; url: string; domain: string; privateAddress: boolean }
  | { kind: "none" };

export interface ToolResult {
  /** Text the model receives. */
  output: string;
  isError?: boolean;
  display?: ToolDisplay;
}

/** State shared by the tools of one session (the todo list, which files were read). */
export interface ToolSessionState {
  todos: Array<{ content: string; status: "pending" | "in_progress" | "completed"; activeForm?: string }>;
  /** Absolute path → mtimeMs when the model last read it, to warn about edits to files it has not seen. */
  readFiles: Map<string, number>;
}

export function newToolSessionState(): ToolSessionState {
  return { todos: [], readFiles: new Map() };
}

export interface ToolContext {
  /** The directory tacit runs in; relative paths resolve against it. */
  cwd: string;
  /** The repository root (the nearest .git above cwd), or cwd when there is none. */
  projectRoot: string;
  signal: AbortSignal;
  state: ToolSessionState;
  /**
   * Whether a `Read(...)` deny rule protects this absolute path. Provided by the
   * permission gate; absent means nothing is denied. Tools that read or list
   * many files at once (Grep, Glob, LS) drop denied files from what they read
   * and return, since the gate only sees the folder they were pointed at.
   */
  isReadDenied?: (absolutePath: string) => boolean;
  /** The subagent making the call (its agent's name); absent for the session's own calls. */
  agent?: string;
  /**
   * The id of the call being run, set by the loop for the gate's check and the run, so a front end
   * can tie its question to the call it shows (ACP's request_permission) and a subagent to its parent.
   */
  toolCallId?: string;
  /**
   * Reports events while the call runs, before its result (a subagent's
   * progress, usage and messages): the loop passes them on to its consumers
   * in order with the call's own events. Absent outside the loop.
   */
  emit?: (event: AgentEvent) => void;
  /** Where file text is read and written; absent: the disk. */
  files?: TextFileAccess;
  /**
   * Judges a further subject of the running call as the gate judged the call
   * (a fetch's redirect to another host, or a host found to resolve to a
   * private address). Absent outside the loop: then nothing further is allowed.
   */
  recheck?: (subject: PermissionSubject) => Promise<PermissionDecision>;
  /**
   * The user did not ask for this (a repository command's @mention): what would need asking is
   * refused, as in a headless run, instead of raising a question the user never prompted.
   */
  noPrompt?: boolean;
  /**
   * One call's paths as the permission gate judged them: absolute path → the real path it resolved.
   * The loop gives each call a fresh map, the gate fills it during its check, and the file tools
   * open and write exactly those real paths (tools/checked-path.ts), so a link swapped in after the
   * check cannot take the call elsewhere. Absent: nothing was judged; a tool resolves the path itself.
   */
  checkedPaths?: Map<string, string>;
}

/**
 * Where the file tools (read, write, edit, apply_patch) read and write a file's text. Absent means
 * the disk. An editor connected over ACP offers its buffers instead (modes/acp/client-files.ts), so
 * the model sees unsaved changes. Only the text goes through it: existence and size checks, path
 * rules and the permission gate stay as they are for every mode.
 */
export interface TextFileAccess {
  /**
   * realPath: the real path the gate judged for absolutePath (ToolContext.checkedPaths), never the
   * path resolved again. It is what is acted on: the disk is read and written there, and an editor
   * (another process, where the model's path could mean another file) is sent exactly it.
   */
  readText(absolutePath: string, realPath: string): Promise<string>;
  writeText(absolutePath: string, content: string, realPath: string): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tools are held in heterogeneous lists; tool-call.ts parses each input with its own schema.
export interface Tool<Input = any> {
  /** The name the model sees (per model family: `Read` for Claude, `read_file` for GPT …). */
  name: string;
  /** The model-facing description. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /**
   * The JSON schema the model is shown, when the tool's own schema is JSON (an
   * MCP server's) rather than zod: it is passed to the providers as it is, and
   * inputSchema then only checks that the arguments are an object.
   */
  jsonSchema?: Record<string, unknown>;
  /**
   * Whether a call only reads, so the loop may run it alongside the other
   * read-only calls of the same message. A function when it depends on the
   * input (the memory tool's view and search read; its other commands write).
   * Plan mode does not look at this: the permission gate judges what the call
   * touches (PermissionSubject).
   */
  readOnly: boolean | ((input: Input) => boolean);
  /**
   * Calls of this tool in one message run together although they are not
   * read-only (subagents: each one's own calls still pass the gate one at a time).
   */
  concurrent?: boolean;
  permission(input: Input, context: ToolContext): PermissionSubject;
  execute(input: Input, context: ToolContext): Promise<ToolResult>;
}
