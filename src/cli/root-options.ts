import { parseArgs } from "node:util";
import { EFFORTS } from "../core/effort.ts";
import { SUBCOMMANDS } from "./subcommand-names.ts";

/**
 * The root command's options, described once: commander builds --help and the
 * subcommands from this table, and the common case (`tacit -p "…"`, `tacit`)
 * is parsed from it with node's own parseArgs, so starting does not wait for
 * commander to load.
 */
export interface RootOption {
  /** The long name, without dashes. */
  long: string;
  short?: string;
  /** Placeholder for a value (`<format>`); absent for a switch. */
  value?: string;
  /** Several values after the flag (commander's `<rules...>`). */
  variadic?: boolean;
  /** One value each time, the flag given as often as needed (`--image a.png --image b.png`). */
  repeatable?: boolean;
  /** `--no-memory`: the option named `memory` defaults to true. */
  negated?: boolean;
  choices?: string[];
  description: string;
}

export const ROOT_OPTIONS: RootOption[] = [
  {
    long: "print",
    short: "p",
    description: "headless: run the prompt (argument and/or piped stdin), print the answer, exit",
  },
  {
    long: "output-format",
    value: "<format>",
    choices: ["text", "json", "stream-json"],
    description: "with -p: text, json or stream-json",
  },
  {
    long: "include-partial-messages",
    description: "with --output-format stream-json: also emit text deltas as they stream",
  },
  {
    long: "model",
    short: "m",
    value: "<provider/model>",
    description: "model to use, e.g. anthropic/claude-sonnet-5, openai/gpt-5.5, ollama/qwen3",
  },
  {
    long: "effort",
    value: "<level>",
    choices: [...EFFORTS],
    description:
      "reasoning effort: minimal, low, medium, high or xhigh (thinking budget or reasoning.effort)",
  },
  { long: "continue", short: "c", description: "continue the latest session in this directory" },
  {
    long: "resume",
    short: "r",
    value: "<session-id>",
    description: "resume a session by id (or unique id prefix)",
  },
  { long: "max-turns", value: "<n>", description: "stop after this many model requests" },
  { long: "permission-mode", value: "<mode>", description: "default, accept-edits, plan or bypass" },
  {
    long: "yolo",
    description: "same as --permission-mode bypass: no permission prompts (deny rules still apply)",
  },
  {
    long: "allowed-tools",
    value: "<rules...>",
    variadic: true,
    description: 'extra allow rules, e.g. "Bash(npm test:*)" "Edit(src/**)"',
  },
  {
    long: "disallowed-tools",
    value: "<rules...>",
    variadic: true,
    description: 'extra deny rules, e.g. "Bash(git push:*)"',
  },
  {
    long: "image",
    value: "<file>",
    repeatable: true,
    description: "with -p: attach an image (PNG, JPEG, GIF, WebP, up to 5 MB); repeat for more",
  },
  { long: "memory", negated: true, description: "run without reading or writing memory" },
  { long: "reflect", negated: true, description: "do not reflect on this session when it ends" },
  {
    long: "verbose",
    description: "with -p: each tool call, its duration and each request's tokens and cost on stderr",
  },
];

/** commander's flags string for an option: `-m, --model <provider/model>`, `--no-memory`. */
export function commanderFlags(option: RootOption): string {
  const long = option.negated ? `--no-${option.long}` : `--${option.long}`;
  return [option.short ? `-${option.short}, ${long}` : long, option.value].filter(Boolean).join(" ");
}

export interface FastParse {
  /** Option values keyed like commander's (camelCase; `memory` false for --no-memory). */
  raw: Record<string, unknown>;
  prompt: string | undefined;
}

/**
 * Parses a plain run — options and at most one prompt — without commander.
 * Returns undefined for anything else (a subcommand, --help, --version, a
 * list option, an unknown or malformed option), which commander then handles,
 * with its help and error messages.
 */
export function parseRootFast(argv: string[]): FastParse | undefined {
  if (argv.some((word) => ["-h", "--help", "-v", "--version"].includes(word))) return undefined;
  if (
    ROOT_OPTIONS.some((option) => option.variadic && argv.some((word) => word.startsWith(`--${option.long}`)))
  ) {
    return undefined;
  }
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const option of ROOT_OPTIONS) {
    const name = option.negated ? `no-${option.long}` : option.long;
    config[name] = {
      type: option.value ? "string" : "boolean",
      ...(option.short ? { short: option.short } : {}),
      ...(option.repeatable ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true });
  } catch {
    return undefined;
  }
  if (parsed.positionals.length > 1) return undefined;
  const prompt = parsed.positionals[0];
  if (prompt !== undefined && SUBCOMMANDS.includes(prompt)) return undefined;
  // A negated switch (--no-memory) is on unless given, as commander has it.
  const raw: Record<string, unknown> = Object.fromEntries(
    ROOT_OPTIONS.filter((option) => option.negated).map((option) => [option.long, true]),
  );
  for (const option of ROOT_OPTIONS) {
    const value = parsed.values[option.negated ? `no-${option.long}` : option.long];
    if (value === undefined) continue;
    if (option.choices && !option.choices.includes(String(value))) return undefined;
    raw[option.negated ? option.long : camelCase(option.long)] = option.negated ? !value : value;
  }
  return { raw, prompt };
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
