import { z } from "zod";
import type { PermissionSubject, ToolContext, ToolResult } from "../core/tool.ts";
import type { CommandSandbox } from "../sandbox/command-sandbox.ts";
import { applyPatchPermission, applyPatchText } from "./apply-patch.ts";
import { defineTool, resolveToolPath } from "./define-tool.ts";
import { statOrUndefined } from "./file-helpers.ts";
import { runProcess } from "./run-process.ts";

const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
const MAX_COMMAND_TIMEOUT_MS = 600_000;
/** The end of a command's output is where errors and summaries are; keep that. */
const COMMAND_OUTPUT_TAIL_CHARS = 30_000;

export interface CommandRequest {
  /** A bash script, run with `bash -c`, or an argv run directly. */
  command: string | string[];
  workdir?: string;
  timeoutMs?: number;
  /** Overrides COMMAND_OUTPUT_TAIL_CHARS (tests use a small one). */
  keepChars?: number;
  killGraceMs?: number;
  /** Runs the command in this OS sandbox; absent: unsandboxed (no sandbox, or escalated). */
  sandbox?: CommandSandbox;
  /** Said after a sandboxed command fails: how this tool re-runs a command outside the sandbox. */
  escalationHint?: string;
}

/** What the shell tools are built with; the sandbox is absent when off or unavailable. */
export interface ShellToolOptions {
  sandbox?: CommandSandbox;
}

export async function runCommand(context: ToolContext, request: CommandRequest): Promise<ToolResult> {
  const cwd = request.workdir ? resolveToolPath(context, request.workdir) : context.cwd;
  const cwdStats = await statOrUndefined(cwd);
  if (!cwdStats?.isDirectory()) return { output: `Working directory not found: ${cwd}`, isError: true };
  const timeoutMs = Math.min(
    Math.max(request.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, 1),
    MAX_COMMAND_TIMEOUT_MS,
  );
  const argv = typeof request.command === "string" ? ["bash", "-c", request.command] : request.command;
  const shown = typeof request.command === "string" ? request.command : shellJoin(request.command);
  if (argv.length === 0 || argv[0] === "") return { output: "The command is empty.", isError: true };
  const keepChars = request.keepChars ?? COMMAND_OUTPUT_TAIL_CHARS;
  const outcome = await runProcess({
    argv: request.sandbox ? request.sandbox.wrap(argv, cwd) : argv,
    cwd,
    timeoutMs,
    signal: context.signal,
    keepChars,
    ...(request.sandbox ? { withoutVariables: request.sandbox.policy.hiddenVariables } : {}),
    ...(request.killGraceMs !== undefined ? { killGraceMs: request.killGraceMs } : {}),
  });

  if (outcome.spawnError !== undefined) {
    return { output: `Could not start ${argv[0]}: ${outcome.spawnError}`, isError: true };
  }
  let body = outcome.output.trimEnd();
  if (outcome.droppedChars > 0) {
    body = `[${outcome.droppedChars} earlier characters of output cut; showing the last ${keepChars}]\n${body}`;
  }
  let status: string;
  if (outcome.timedOut)
    status = `Timed out after ${formatSeconds(timeoutMs)}; the command and its children were killed.`;
  else if (outcome.aborted) status = "Interrupted by the user; the command and its children were killed.";
  else if (outcome.exitSignal) status = `Killed by signal ${outcome.exitSignal}.`;
  else status = `Exit code: ${outcome.exitCode}`;
  const failed = outcome.timedOut || outcome.aborted || outcome.exitSignal !== null || outcome.exitCode !== 0;
  if (failed && request.sandbox && !outcome.timedOut && !outcome.aborted)
    status += `\n${sandboxNote(request, shown)}`;
  const output = body === "" ? `(no output)\n${status}` : `${body}\n${status}`;
  return {
    output,
    ...(failed ? { isError: true } : {}),
    display: { kind: "command", command: shown, exitCode: outcome.exitCode, tail: lastLines(body, 20) },
  };
}

/** After a failed sandboxed command: what the sandbox refused, and the way out (through the user). */
function sandboxNote(request: CommandRequest, shown: string): string {
  const policy = request.sandbox!;
  const writable =
    policy.mode === "read-only" ? "only /tmp" : "only the project (but not .git), /tmp and configured paths";
  const network = policy.network ? "" : "network off, ";
  // The whole .git is read-only (git-folders.ts): say so, or the model retries the commit in circles.
  const git = /\bgit\b/.test(shown)
    ? " .git is read-only in the sandbox, so git commands that write (add, commit, checkout, stash, merge…) fail there."
    : "";
  const way = request.escalationHint
    ? ` If it failed for that reason, ${request.escalationHint}; the user will be asked.`
    : "";
  return `(Ran in the sandbox: ${network}${writable} writable.${git}${way})`;
}

/**
 * The permission subject of a shell command: whether it runs inside the sandbox
 * (which sandbox.autoAllow may let through) or escalated out of it (which always asks).
 */
function shellSubject(
  command: string,
  options: ShellToolOptions,
  escalate: boolean | undefined,
  reason: string | undefined,
): PermissionSubject {
  if (!options.sandbox) return { kind: "bash", command };
  if (!escalate) return { kind: "bash", command, sandbox: "inside" };
  return { kind: "bash", command, sandbox: "escalated", ...(reason ? { escalationReason: reason } : {}) };
}

/** Claude Code's name for running one command outside the sandbox (Gemini's tool takes it too). */
const disableSandboxParameter = z
  .boolean()
  .optional()
  .describe("Run outside the sandbox (needs network or writes outside the project); the user is asked");

const CLAUDE_ESCALATION = "run it again with dangerouslyDisableSandbox: true and say why in description";
const CODEX_ESCALATION = "run it again with with_escalated_permissions: true and a justification";

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${(milliseconds / 1000).toFixed(1)} s`;
}

function lastLines(text: string, count: number): string {
  return text.split("\n").slice(-count).join("\n");
}

/** Quotes an argv for display and for permission rules, the way a user would type it. */
function shellJoin(argv: string[]): string {
  return argv
    .map((argument) =>
      /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`,
    )
    .join(" ");
}

/**
 * GPT models often send `["bash", "-lc", script]`; the script is what the user
 * should see and what permission rules match. Other argv are joined.
 */
export function commandTextOf(argv: string[]): string {
  const script = shellScriptOf(argv);
  return script ?? shellJoin(argv);
}

function shellScriptOf(argv: string[]): string | undefined {
  if (
    argv.length === 3 &&
    ["bash", "sh", "zsh", "/bin/bash", "/bin/sh"].includes(argv[0]!) &&
    /^-l?c$|^-cl$/.test(argv[1]!)
  ) {
    return argv[2];
  }
  return undefined;
}

/** Codex models sometimes call apply_patch through the shell; honour that instead of failing. */
function patchInShell(argv: string[]): { patch: string; workdir?: string } | undefined {
  if (argv.length === 2 && (argv[0] === "apply_patch" || argv[0] === "applypatch"))
    return { patch: argv[1]! };
  const script = shellScriptOf(argv);
  if (script === undefined) return undefined;
  const match =
    /^\s*(?:cd\s+(\S+)\s*&&\s*)?(?:apply_patch|applypatch)\s+<<\s*['"]?(\w+)['"]?\n([\s\S]*?)\n\2\s*$/.exec(
      script,
    );
  if (!match) return undefined;
  return { patch: match[3]!, ...(match[1] ? { workdir: match[1] } : {}) };
}

function patchContextOf(context: ToolContext, workdir: string | undefined): ToolContext {
  return workdir ? { ...context, cwd: resolveToolPath(context, workdir) } : context;
}

function sandboxDescription(options: ShellToolOptions): string {
  const policy = options.sandbox;
  if (!policy) return "";
  const network = policy.network ? "" : "network off, ";
  const writable =
    policy.mode === "read-only"
      ? "nothing but /tmp writable"
      : "writes only in the project and /tmp; .git is read-only, so git add/commit/checkout run outside it";
  return ` Commands run in a sandbox (${network}${writable}); a command that needs more can run outside it with the escalation parameter, after the user approves.`;
}

export function claudeBashTool(options: ShellToolOptions = {}) {
  return defineTool({
    name: "Bash",
    description: `Run a bash command in the working directory (bash -c; no stdin). Returns output (tail if long) and exit code. Timeout in ms: default 120000, max 600000. Prefer Read/Grep/Glob over cat/grep/find.${sandboxDescription(options)}`,
    inputSchema: z.object({
      command: z.string().describe("The command"),
      timeout: z.number().int().positive().optional().describe("Timeout in milliseconds"),
      description: z.string().optional().describe("What it does, in 5-10 words"),
      dangerouslyDisableSandbox: disableSandboxParameter,
    }),
    readOnly: false,
    permission: (input) =>
      shellSubject(input.command, options, input.dangerouslyDisableSandbox, input.description),
    execute: (input, context) =>
      runCommand(context, {
        command: input.command,
        timeoutMs: input.timeout,
        ...sandboxFor(options, input.dangerouslyDisableSandbox, CLAUDE_ESCALATION),
      }),
  });
}

/** The sandbox part of a command request: none when escalated (the gate asked) or when there is none. */
function sandboxFor(
  options: ShellToolOptions,
  escalate: boolean | undefined,
  escalationHint: string,
): Pick<CommandRequest, "sandbox" | "escalationHint"> {
  return options.sandbox && !escalate ? { sandbox: options.sandbox, escalationHint } : {};
}

export function gptShellTool(options: ShellToolOptions = {}) {
  return defineTool({
    name: "shell",
    description: `Run a command. command is an argv array, e.g. ["bash","-lc","npm test"]. Returns output (tail if long) and exit code.${sandboxDescription(options)}`,
    inputSchema: z.object({
      command: z.array(z.string()).min(1).describe("Program and arguments"),
      workdir: z.string().optional().describe("Working directory (default: the project)"),
      timeout_ms: z.number().int().positive().optional().describe("Timeout in ms (default 120000)"),
      with_escalated_permissions: z
        .boolean()
        .optional()
        .describe("Run outside the sandbox (network, writes outside the project); the user is asked"),
      justification: z.string().optional().describe("Why the command needs to run outside the sandbox"),
    }),
    readOnly: false,
    permission: (input, context) => {
      const patch = patchInShell(input.command);
      if (patch)
        return applyPatchPermission(patchContextOf(context, patch.workdir ?? input.workdir), patch.patch);
      return shellSubject(
        commandTextOf(input.command),
        options,
        input.with_escalated_permissions,
        input.justification,
      );
    },
    execute: (input, context) => {
      const patch = patchInShell(input.command);
      if (patch) {
        return applyPatchText(patchContextOf(context, patch.workdir ?? input.workdir), patch.patch);
      }
      const script = shellScriptOf(input.command);
      return runCommand(context, {
        // Run scripts with plain `bash -c`: a login shell would re-read profiles on every call.
        command: script ?? input.command,
        workdir: input.workdir,
        timeoutMs: input.timeout_ms,
        ...sandboxFor(options, input.with_escalated_permissions, CODEX_ESCALATION),
      });
    },
  });
}

export function geminiShellTool(options: ShellToolOptions = {}) {
  return defineTool({
    name: "run_shell_command",
    description: `Run a bash command (bash -c; no stdin). Returns output (tail if long) and exit code. Times out after 120 s.${sandboxDescription(options)}`,
    inputSchema: z.object({
      command: z.string().describe("The command"),
      description: z.string().optional().describe("What it does, briefly"),
      directory: z.string().optional().describe("Directory to run in, relative to the project"),
      dangerouslyDisableSandbox: disableSandboxParameter,
    }),
    readOnly: false,
    permission: (input) =>
      shellSubject(input.command, options, input.dangerouslyDisableSandbox, input.description),
    execute: (input, context) =>
      runCommand(context, {
        command: input.command,
        workdir: input.directory,
        ...sandboxFor(options, input.dangerouslyDisableSandbox, CLAUDE_ESCALATION),
      }),
  });
}
