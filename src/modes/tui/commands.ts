import { EFFORTS } from "../../core/effort.ts";
import { errorMessage } from "../../core/errors.ts";
import type { RecalledItem } from "../../core/events.ts";
import { compactionLine } from "./compaction-line.ts";
import type { TranscriptLine, TuiHost } from "./host.ts";
import { reviewInbox } from "./inbox-command.ts";
import { rewindCommand } from "./rewind-command.ts";
import { isStaleRecall } from "./transcript.ts";

/**
 * Slash commands as one table: adding /init or /skills later is one entry
 * here. Each command gets a small context of things the UI can do for it.
 */

export interface PickerItem {
  label: string;
  description?: string;
  value: string;
}

export interface PickerSpec {
  title: string;
  items: PickerItem[];
  onSelect(value: string): void | Promise<void>;
  emptyText?: string;
  /** The item the picker opens on (the value in force); absent: the first. */
  initialValue?: string;
}

export interface CommandContext {
  host: TuiHost;
  /** Whatever followed the command name, trimmed. */
  argument: string;
  commands: SlashCommand[];
  /** The items of the last `recall` event. */
  recalled: RecalledItem[];
  print(text: string, markdown?: boolean): void;
  notify(level: "info" | "warning" | "error", text: string): void;
  printTranscript(lines: TranscriptLine[]): void;
  pick(picker: PickerSpec): void;
  /** Asks a yes/no question in the input area; resolves true only on "y". */
  confirm(question: string): Promise<boolean>;
  /** After /new or /resume: the old session's recalled memories and last tool no longer apply. */
  sessionChanged(): void;
  /** Sends text to the agent as if the user typed it (for commands such as a future /init). */
  submitPrompt(text: string): void;
  refreshInfo(): void;
  exit(): void;
}

export interface SlashCommand {
  name: string;
  description: string;
  argumentHint?: string;
  aliases?: string[];
  /** Safe to run while a turn is in progress; others wait in the queue. */
  whileRunning?: boolean;
  run(context: CommandContext): void | Promise<void>;
}

/** The levels /effort offers, lowest first (providers/effort.ts maps each onto every wire). */
const EFFORT_LEVELS: readonly string[] = EFFORTS;

export const SLASH_COMMANDS: SlashCommand[] = [
  {
    name: "help",
    description: "Show commands and keys",
    whileRunning: true,
    run: (context) => context.print(helpText(context.commands), true),
  },
  {
    name: "model",
    description: "List models or switch to one (any provider)",
    argumentHint: "[provider/model|default]",
    run: async (context) => {
      const switchTo = async (ref: string) => {
        const notice = await context.host.switchModel(ref);
        context.refreshInfo();
        // The model now in force, not what was typed (`/model default` names what it went back to).
        const model = context.host.info().model;
        context.notify(
          notice ? "warning" : "info",
          notice ? `Model: ${model} (${notice})` : `Model: ${model}`,
        );
      };
      if (context.argument) return switchTo(context.argument);
      const current = context.host.info().model;
      const models = context.host.listModels();
      context.pick({
        title: "Switch model",
        items: models.map((ref) => ({
          label: ref,
          value: ref,
          ...(ref === current ? { description: "current" } : {}),
        })),
        emptyText: "No model matches; type /model provider/model-id to use any other",
        onSelect: switchTo,
      });
    },
  },
  {
    name: "effort",
    description: "Show or set the reasoning effort (minimal, low, medium, high, xhigh; default clears it)",
    argumentHint: "[minimal|low|medium|high|xhigh|default]",
    run: async (context) => {
      const setTo = async (level: string) => {
        const notice = await context.host.setEffort(level);
        context.refreshInfo();
        const effort = context.host.effort() ?? "the provider's default";
        context.notify(
          notice ? "warning" : "info",
          notice ? `Effort: ${effort} (${notice})` : `Effort: ${effort}`,
        );
      };
      if (context.argument) return setTo(context.argument);
      const current = context.host.effort() ?? "default";
      context.pick({
        title: "Reasoning effort",
        items: [...EFFORT_LEVELS, "default"].map((level) => ({
          label: level,
          value: level,
          ...(level === current
            ? { description: "current" }
            : level === "default"
              ? { description: "the provider's own" }
              : {}),
        })),
        emptyText: "",
        initialValue: current,
        onSelect: setTo,
      });
    },
  },
  {
    name: "memory",
    description:
      "Browse memories by scope; open or forget one; /memory inbox reviews proposals; /memory ui opens the browser",
    argumentHint: "[inbox|ui]",
    run: async (context) => {
      if (context.argument === "inbox") return reviewInbox(context);
      const memory = context.host.memory;
      if (!memory) return context.notify("warning", "Memory is off for this run (--no-memory or settings).");
      if (context.argument === "ui") {
        if (!memory.browser) return context.notify("warning", "The memory browser is not available here.");
        return context.notify("info", await memory.browser());
      }
      const all = await memory.list();
      if (all.length === 0)
        return context.notify("info", "No memories yet. Use /remember <text> to add one.");
      const scopes = [...new Set(all.map((item) => item.scope))];
      const openScope = (scope: string) =>
        context.pick({
          title: `Memories · ${scope}`,
          items: all
            .filter((item) => item.scope === scope)
            .map((item) => ({
              label: item.name,
              description: `${item.type} · ${item.description}`,
              value: item.name,
            })),
          onSelect: (name) =>
            context.pick({
              title: `${scope}/${name}`,
              items: [
                { label: "Open", value: "open" },
                { label: "Forget", description: "delete this memory", value: "forget" },
              ],
              onSelect: async (action) => {
                if (action === "open") {
                  context.print(await memory.show(scope, name), true);
                  return;
                }
                // Forgetting is one key away in a list: ask first, and default to keeping it.
                if (!(await context.confirm(`Forget ${scope}/${name}?`))) {
                  return context.notify("info", `Kept ${scope}/${name}`);
                }
                await memory.forget(scope, name);
                context.notify("info", `Forgot ${scope}/${name}`);
              },
            }),
        });
      if (scopes.length === 1) return openScope(scopes[0]!);
      context.pick({
        title: "Memory scopes",
        items: scopes.map((scope) => ({
          label: scope,
          description: `${all.filter((item) => item.scope === scope).length} memories`,
          value: scope,
        })),
        onSelect: openScope,
      });
    },
  },
  {
    name: "remember",
    description: "Save something to memory",
    argumentHint: "<text>",
    run: async (context) => {
      if (!context.host.memory)
        return context.notify("warning", "Memory is off for this run (--no-memory or settings).");
      if (!context.argument) return context.notify("warning", "Usage: /remember <what to remember>");
      context.notify("info", await context.host.memory.remember(context.argument));
    },
  },
  {
    name: "recalled",
    description: "Show the memories recalled for the last turn",
    whileRunning: true,
    run: (context) => {
      if (context.recalled.length === 0)
        return context.notify("info", "Nothing was recalled for the last turn.");
      context.print(context.recalled.map((item) => `- ${describeRecalled(item)}`).join("\n"), true);
    },
  },
  {
    name: "resume",
    description: "Pick a past session to continue",
    argumentHint: "[session id]",
    run: async (context) => {
      const resume = async (id: string) => {
        const lines = await context.host.resumeSession(id);
        context.sessionChanged();
        context.printTranscript(lines);
        context.refreshInfo();
        context.notify("info", `Resumed session ${id}`);
      };
      if (context.argument) return resume(context.argument);
      const sessions = await context.host.listSessions();
      context.pick({
        title: "Resume a session",
        items: sessions.map((session) => ({
          label: session.title || "(untitled)",
          description: `${formatWhen(session.updatedAt)} · ${session.messageCount} messages`,
          value: session.id,
        })),
        emptyText: "No past sessions in this project.",
        onSelect: resume,
      });
    },
  },
  {
    name: "rewind",
    description: "Put files and/or the conversation back to before an earlier turn",
    run: (context) => rewindCommand(context),
  },
  {
    name: "new",
    description: "Start a new session",
    aliases: ["clear"],
    run: async (context) => {
      const note = await context.host.newSession();
      context.sessionChanged();
      context.refreshInfo();
      context.notify("info", note ? `New session started; ${note}.` : "New session started.");
    },
  },
  {
    name: "compact",
    description: "Summarize the conversation to free context",
    run: async (context) => {
      context.notify("info", "Compacting…");
      const events = await context.host.compact();
      if (events.length === 0) context.notify("info", "Nothing to compact yet.");
      for (const event of events) {
        if (event.type === "notice") context.notify(event.level, event.text);
        else if (event.type === "compact") context.notify("info", compactionLine(event));
      }
      context.refreshInfo();
    },
  },
  {
    name: "init",
    description: "Study this repository into project memories (then offers AGENTS.md)",
    argumentHint: "[focus]",
    run: async (context) => {
      context.notify("info", "Surveying the repository…");
      context.submitPrompt(await context.host.prepareInit(context.argument));
    },
  },
  {
    name: "cost",
    description: "Show tokens and cost",
    whileRunning: true,
    run: (context) => context.print(context.host.cost()),
  },
  {
    name: "permissions",
    description: "Show the permission mode and rules",
    whileRunning: true,
    run: (context) => context.print(context.host.permissionsSummary()),
  },
  {
    name: "skills",
    description: "List the Agent Skills found",
    whileRunning: true,
    run: (context) => context.print(context.host.skillsSummary()),
  },
  {
    name: "export",
    description: "Export this session",
    run: async (context) => context.notify("info", await context.host.exportSession()),
  },
  {
    name: "exit",
    description: "Quit tacit",
    aliases: ["quit"],
    whileRunning: true,
    run: (context) => context.exit(),
  },
];

export function findCommand(commands: SlashCommand[], name: string): SlashCommand | undefined {
  const wanted = name.toLowerCase();
  return commands.find((command) => command.name === wanted || command.aliases?.includes(wanted));
}

/** Commands whose name starts with what was typed, then those that merely contain it. */
export function filterCommands(commands: SlashCommand[], typed: string): SlashCommand[] {
  const wanted = typed.toLowerCase();
  const starts = commands.filter(
    (command) =>
      command.name.startsWith(wanted) || command.aliases?.some((alias) => alias.startsWith(wanted)),
  );
  const contains = commands.filter((command) => !starts.includes(command) && command.name.includes(wanted));
  return [...starts, ...contains];
}

/** Splits "/model openai/gpt-5" into its name and argument; undefined when the text is not a command. */
export function parseCommandLine(text: string): { name: string; argument: string } | undefined {
  const match = /^\/([\w-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  return { name: match[1]!, argument: (match[2] ?? "").trim() };
}

export async function runCommand(command: SlashCommand, context: CommandContext): Promise<void> {
  try {
    await command.run(context);
  } catch (error) {
    context.notify("error", `/${command.name}: ${errorMessage(error)}`);
  }
}

/** " (also /clear)": the other names a command answers to. */
function aliases(command: SlashCommand): string {
  return command.aliases?.length ? ` (also ${command.aliases.map((alias) => `/${alias}`).join(", ")})` : "";
}

function helpText(commands: SlashCommand[]): string {
  // A `|` in a cell (`[minimal|low|…]`, a custom command's hint) would split the table's columns.
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = commands.map(
    (command) =>
      `| ${cell(`\`/${command.name}${command.argumentHint ? ` ${command.argumentHint}` : ""}\``)}${aliases(command)} | ${cell(command.description)} |`,
  );
  return [
    "**Commands**",
    "",
    "| command | what it does |",
    "|---|---|",
    ...rows,
    "",
    "**Keys**",
    "",
    "- `Enter` send · `Shift+Enter`, `Alt+Enter` or `\\` then `Enter` new line",
    "- `Up`/`Down` history · `@` complete a file path · `Tab` complete",
    "- `Esc` interrupt the running turn · `Ctrl+C` twice, or `Ctrl+D` on an empty prompt, quit",
    "- `Shift+Tab` cycle permission mode · `Ctrl+O` print the last tool's whole output",
    "- Typing while the agent works queues your message for when the turn ends",
  ].join("\n");
}

function describeRecalled(item: RecalledItem): string {
  const stale = isStaleRecall(item) ? ` [stale: missing ${item.missingPaths!.join(", ")}]` : "";
  // tacit's recall events say why each item was picked (matched words, recency, scope).
  const reasons = item.reasons.length > 0 ? ` (why: ${item.reasons.join("; ")})` : "";
  return `${item.scope}/${item.title}${stale}${reasons}`;
}

function formatWhen(value: string | number): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toISOString().slice(0, 16).replace("T", " ");
}
