import { ConfigError } from "../core/errors.ts";
import {
  isPermissionMode,
  type PermissionMode,
  permissionModeAliases,
  permissionModes,
} from "../core/permission-mode.ts";
import type { OutputFormat } from "../modes/print.ts";
import { type Effort, parseEffort } from "../providers/effort.ts";
import { UsageError } from "./command-typos.ts";

/** The root command's options, typed and validated once. */
export interface RunOptions {
  prompt?: string;
  print: boolean;
  outputFormat: OutputFormat;
  includePartialMessages: boolean;
  model?: string;
  /** --effort: the reasoning effort, over the project's /effort and settings. */
  effort?: Effort;
  continueLatest: boolean;
  resume?: string;
  maxTurns?: number;
  permissionMode?: PermissionMode;
  allowedTools: string[];
  disallowedTools: string[];
  memory: boolean;
  /** False with --no-reflect: this session is not reflected on when it ends. */
  reflect: boolean;
  verbose: boolean;
  /** --image files, attached to the -p prompt. */
  images: string[];
}

const OUTPUT_FORMATS: OutputFormat[] = ["text", "json", "stream-json"];
// Claude Code's spellings (shared with settings), and --permission-mode yolo.
const MODE_ALIASES: Readonly<Record<string, PermissionMode>> = { ...permissionModeAliases, yolo: "bypass" };

export function parseRunOptions(raw: Record<string, unknown>, prompt: string | undefined): RunOptions {
  const outputFormat = String(raw.outputFormat ?? "text") as OutputFormat;
  if (!OUTPUT_FORMATS.includes(outputFormat)) {
    throw new UsageError(
      `--output-format must be one of ${OUTPUT_FORMATS.join(", ")} (got "${outputFormat}")`,
    );
  }
  let permissionMode: PermissionMode | undefined;
  if (raw.yolo || raw.dangerouslySkipPermissions) permissionMode = "bypass";
  else if (typeof raw.permissionMode === "string") {
    const mode = MODE_ALIASES[raw.permissionMode] ?? raw.permissionMode;
    if (!isPermissionMode(mode)) {
      throw new UsageError(
        `--permission-mode must be one of ${permissionModes.join(", ")} (got "${raw.permissionMode}")`,
      );
    }
    permissionMode = mode;
  }
  let maxTurns: number | undefined;
  if (raw.maxTurns !== undefined) {
    maxTurns = Number(raw.maxTurns);
    if (!Number.isInteger(maxTurns) || maxTurns < 1)
      throw new UsageError("--max-turns must be a whole number of at least 1");
  }
  if (raw.image !== undefined && raw.print !== true) {
    throw new ConfigError("--image goes with -p; in the TUI, type @ and the image's path, or paste the path");
  }
  // As Claude Code: partial messages are stream-json events; text and json print the whole answer only.
  if (raw.includePartialMessages === true && outputFormat !== "stream-json")
    throw new UsageError("--include-partial-messages goes with --output-format stream-json");
  if (raw.continue && raw.resume) throw new ConfigError("use either --continue or --resume, not both");
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    print: raw.print === true,
    outputFormat,
    includePartialMessages: raw.includePartialMessages === true,
    ...(typeof raw.model === "string" ? { model: raw.model } : {}),
    ...(typeof raw.effort === "string" ? { effort: parseEffort(raw.effort) } : {}),
    continueLatest: raw.continue === true,
    ...(typeof raw.resume === "string" ? { resume: raw.resume } : {}),
    ...(maxTurns !== undefined ? { maxTurns } : {}),
    ...(permissionMode ? { permissionMode } : {}),
    allowedTools: splitRuleList(raw.allowedTools),
    disallowedTools: splitRuleList(raw.disallowedTools),
    memory: raw.memory !== false,
    reflect: raw.reflect !== false,
    verbose: raw.verbose === true,
    images: Array.isArray(raw.image)
      ? raw.image.map(String)
      : typeof raw.image === "string"
        ? [raw.image]
        : [],
  };
}

/**
 * `--allowed-tools "Bash(npm test:*) Edit(src/**)"` or repeated flags, or commas:
 * split on commas and spaces that are not inside parentheses.
 */
function splitRuleList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  const rules: string[] = [];
  for (const item of items) {
    let depth = 0;
    let current = "";
    for (const character of String(item)) {
      if (character === "(") depth++;
      if (character === ")") depth = Math.max(0, depth - 1);
      if ((character === "," || character === " ") && depth === 0) {
        if (current.trim()) rules.push(current.trim());
        current = "";
      } else {
        current += character;
      }
    }
    if (current.trim()) rules.push(current.trim());
  }
  return rules;
}
