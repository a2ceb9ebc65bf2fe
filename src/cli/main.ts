import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { UserFacingError } from "../core/errors.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { sandboxAvailability } from "../sandbox/availability.ts";
import {
  askAboutLookalike,
  commandLookalike,
  lookalikeRefusal,
  rejectUnknownSubcommand,
  usageErrorOf,
} from "./command-typos.ts";
import { registerMcpServerCommands } from "./commands/mcp-server-commands.ts";
import { registerMemoryCommands } from "./commands/memory.ts";
import { reportFailure } from "./fatal-error.ts";
import { lazyAction } from "./lazy-action.ts";
import { registerMcpClientCommands } from "./mcp-client-commands.ts";
import { parseRunOptions, type RunOptions } from "./options.ts";
import { endQuietlyWhenThePipeCloses } from "./pipe-closed.ts";
import { commanderFlags, parseRootFast, ROOT_OPTIONS } from "./root-options.ts";

declare const TACIT_VERSION: string;
/** Set by the build: where the headless run's own bundle is, relative to the full CLI's bundle, dist/cli.cjs (print-entry.ts says why). */
declare const TACIT_PRINT_BUNDLE: string | undefined;

// Everything beyond argument parsing loads on demand: -p, the TUI and each
// subcommand pull in only their own code.
const sessionCommands = () => import("./commands/sessions.ts");

/** `tacit -p`'s code: from its own bundle when built, from the source otherwise (tests, scripts). */
async function printEntry(): Promise<typeof import("./print-entry.ts")> {
  if (typeof TACIT_PRINT_BUNDLE !== "string") return import("./print-entry.ts");
  const { loadBundle } = await import("./print-bundle-loader.ts");
  return loadBundle(fileURLToPath(new URL(TACIT_PRINT_BUNDLE, import.meta.url)));
}

/** The full command line, with help, subcommands and commander's error messages. */
function buildProgram({ Command, Option }: typeof import("commander")): Command {
  const program: Command = new Command("tacit")
    // Usage errors are thrown, not printed and exited on, so main says each in one line (exit 2);
    // subcommands made below inherit both settings.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .description("A terminal coding agent that remembers.")
    .version(typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev", "-v, --version")
    .argument("[prompt]", "what to do; with -p runs headless, otherwise opens the TUI with it")
    .action(async (prompt: string | undefined, raw: Record<string, unknown>) => {
      await runRoot(parseRunOptions(raw, prompt));
    });

  for (const option of ROOT_OPTIONS) {
    const flag = new Option(commanderFlags(option), option.description);
    if (option.repeatable) flag.argParser((value: string, previous: string[] = []) => [...previous, value]);
    program.addOption(option.choices ? flag.choices(option.choices) : flag);
  }

  const sessions = program.command("sessions").description("list, show and export past sessions");
  sessions
    .command("list", { isDefault: true })
    .description("sessions in this directory, newest first")
    .option("-a, --all", "sessions in every directory")
    .option("-n, --limit <n>", "how many to list (default 20)")
    .option("--json", "machine-readable output")
    .action(lazyAction(sessionCommands, (module) => module.listSessionsCommand));
  sessions
    .command("show <id>")
    .description("print a session's conversation")
    .action(lazyAction(sessionCommands, (module) => module.showSessionCommand));
  sessions
    .command("export <id>")
    .description("export a session as JSONL (one JSON object per line)")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .action(lazyAction(sessionCommands, (module) => module.exportSessionCommand));
  sessions
    .command("search <query...>")
    .description("search past sessions of this project (same as: tacit memory search --scope sessions)")
    .option("-n, --limit <n>", "how many results (default 10)")
    .option("--json", "machine-readable output")
    .action(
      lazyAction(
        () => import("./commands/memory-browse.ts"),
        (module) => (words: string[], options: { limit?: string; json?: boolean }) =>
          module.searchMemoryCommand(words, { ...options, scope: "sessions" }),
      ),
    );
  registerMemoryCommands(program);
  program
    .command("rewind")
    .description("list a session's turns, or put its files and/or conversation back to before one")
    .option("--session <id>", "the session (default: the latest in this directory)")
    .option("--turn <n>", "rewind to just before this turn (see --list)")
    .option("--files-only", "put the files back, keep the conversation")
    .option("--conversation-only", "rewind the conversation, leave the files")
    .option("--list", "list the session's turns (the default without --turn)")
    .option("-y, --yes", "do not ask before rewinding")
    .option("--force", "overwrite files changed since tacit last wrote them")
    .action(
      lazyAction(
        () => import("./commands/rewind.ts"),
        (module) => module.rewindCommand,
      ),
    );
  const skillCommands = () => import("./commands/skills.ts");
  const skills = program.command("skills").description("list and show Agent Skills (SKILL.md folders)");
  skills
    .command("list", { isDefault: true })
    .description("skills found for this repository and user: name, where, description")
    .option("--json", "machine-readable output")
    .action(lazyAction(skillCommands, (module) => module.listSkillsCommand));
  skills
    .command("show <name>")
    .description("print a skill's frontmatter, instructions and files")
    .action(lazyAction(skillCommands, (module) => module.showSkillCommand));
  program
    .command("init [focus...]")
    .description("study this repository and save what it learns as project memories (.tacit/memory)")
    .option("-m, --model <provider/model>", "the model (default: as for a run)")
    .option("--dry-run", "say which memories it would write, write nothing")
    .option("--agents-md", "also write or improve AGENTS.md, as the last step")
    .option("--max-turns <n>", "stop after n model requests")
    .option("--verbose", "each tool call and request's tokens on stderr")
    .action(
      lazyAction(
        () => import("./commands/init.ts"),
        (module) => module.initCommand,
      ),
    );
  program
    .command("reflect")
    .description("learn from a session: update memory with what it teaches (the latest here, unless told)")
    .option("-s, --session <id>", "the session to reflect on (an id or a unique prefix)")
    .option("--all-pending", "every session of this project with turns not reflected on yet")
    .option("--dry-run", "say what would change in memory, change nothing")
    .option(
      "--edits",
      "learn only from your edits of files the agent wrote, in sessions already reflected on",
    )
    .addOption(new Option("--background").hideHelp())
    .action(
      lazyAction(
        () => import("./commands/reflect.ts"),
        // --no-reflect is the run's option (commander gives it to the program): passed on to be refused.
        (module) => (options: import("./commands/reflect.ts").ReflectCommandOptions, command: Command) =>
          module.reflectCommand({ ...options, reflect: command.parent?.opts().reflect !== false }),
      ),
    );
  program
    .command("learn [path]")
    .description("learn from your past Claude Code or Codex sessions of this project (a warm start)")
    .addOption(
      new Option("--from <agent>", "whose sessions: claude-code or codex")
        .choices(["claude-code", "codex"])
        .makeOptionMandatory(),
    )
    .option("--since <date>", "only sessions active since this date (2026-11-01)")
    .option("--all-projects", "every project's sessions, not only this one's")
    .option("--dry-run", "say which sessions would be sent and how much, and send nothing")
    .option(
      "-m, --model <provider/model>",
      "the model to reflect with (default: reflection.model, else the default model)",
    )
    .action(
      lazyAction(
        () => import("./commands/learn.ts"),
        // commander adds the command itself as a last argument: only the path and the options are passed on.
        (module) =>
          (explicitPath: string | undefined, options: import("./commands/learn.ts").LearnCommandOptions) =>
            module.learnCommand(explicitPath, options),
      ),
    );
  // tacit mcp: memory served to other agents (serve, install); the MCP servers tacit uses are registered beside.
  const mcp = program
    .command("mcp")
    .description("tacit's memory over MCP for other agents, and the MCP servers tacit uses");
  registerMcpServerCommands(mcp);
  program
    .command("acp")
    .description("run as an Agent Client Protocol agent on stdio, for editors (Zed, JetBrains, Neovim)")
    .action(
      lazyAction(
        () => import("./commands/acp.ts"),
        // The run's options (--model, --permission-mode, --no-memory…) are the program's: each session takes them.
        (module) => (_options: unknown, command: Command) =>
          module.acpCommand(parseRunOptions(command.parent?.opts() ?? {}, undefined)),
      ),
    );
  registerMcpClientCommands(program);
  program
    .command("models")
    .description("list the models each configured provider serves, with what tacit knows of them")
    .option("--provider <name>", "only this provider (anthropic, openai, google, ollama, or one in settings)")
    .option("--refresh", "ask the providers again instead of using the day-old cache")
    .option("--json", "machine-readable output")
    .action(
      lazyAction(
        () => import("./commands/models.ts"),
        (module) => module.modelsCommand,
      ),
    );
  program
    .command("doctor")
    .description("check the sandbox, git, ripgrep, Node, settings files and their trust, and provider keys")
    .action(
      lazyAction(
        () => import("./commands/doctor.ts"),
        (module) => module.doctorCommand,
      ),
    );
  return program;
}

/**
 * The TUI's sandbox probe (a real start of an empty sandbox, cached per
 * process); its result is awaited where the shell tools are made. A headless
 * run starts its own in print-entry.ts, in its own bundle.
 */
function startSandboxProbe(): void {
  sandboxAvailability(process.env).catch(() => undefined);
}

async function runRoot(options: RunOptions): Promise<void> {
  if (!options.print) {
    // A lone word like "sesions" is probably a mistyped command: never a paid prompt without a yes.
    const lookalike = options.prompt ? commandLookalike(options.prompt, process.argv) : undefined;
    if (lookalike && options.prompt) {
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw lookalikeRefusal(options.prompt, lookalike);
      if ((await askAboutLookalike(options.prompt, lookalike)) === "command") {
        await buildProgram(await import("commander")).parseAsync([...process.argv.slice(0, 2), lookalike]);
        return;
      }
    }
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserFacingError(
        'no terminal for the interactive UI; use -p for headless mode (tacit -p "…")',
      );
    }
    // Loaded lazily: headless runs never load the TUI's modules (Ink, React). The probe starts once
    // they have loaded, as it always did here: its spawn blocks the thread that draws the first frame.
    const interactive = import("./interactive.ts");
    interactive.then(startSandboxProbe, () => undefined);
    const { runInteractive } = await interactive;
    return runInteractive(options, typeof TACIT_VERSION === "string" ? TACIT_VERSION : "dev");
  }
  const { runPrintCommand } = await printEntry();
  await runPrintCommand(options);
}

/**
 * `tacit help [command …]` is `tacit [command …] --help`: the root takes a prompt argument, so
 * commander read "help" as the prompt, and `tacit help -p` sent the word to the model as a paid
 * request. Options after it are dropped: asking for help runs nothing.
 */
function helpWordAsFlag(words: string[]): string[] {
  if (words[0] !== "help") return words;
  return [...words.slice(1).filter((word) => !word.startsWith("-")), "--help"];
}

/**
 * The whole command line. The build makes this file one CommonJS bundle (dist/cli.cjs), which the
 * launcher runs with a code cache (print-bundle-loader.ts) and calls this from.
 * @public (bin/tacit.js calls it from the built file)
 */
export async function main(): Promise<void> {
  traceStartup("cli module loaded");
  endQuietlyWhenThePipeCloses();
  try {
    // The common case (`tacit`, `tacit -p "…"`) starts without loading commander.
    const fast = parseRootFast(process.argv.slice(2));
    if (fast) {
      await runRoot(parseRunOptions(fast.raw, fast.prompt));
    } else {
      const program = buildProgram(await import("commander"));
      const words = helpWordAsFlag(process.argv.slice(2));
      rejectUnknownSubcommand(program, words);
      try {
        await program.parseAsync([...process.argv.slice(0, 2), ...words]);
      } catch (error) {
        const usage = usageErrorOf(error);
        if (usage === "done") return;
        throw usage ?? error;
      }
    }
  } catch (error) {
    await reportFailure(error);
  }
}
