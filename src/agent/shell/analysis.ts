import { hiddenCode } from "./code-runners.ts";
import { isCommandVariable } from "./command-settings.ts";
import { fileOperandTargets } from "./file-operands.ts";
import { outputFlagTargets } from "./output-flags.ts";
import { parseShell, type ShellNode } from "./parser.ts";
import { codeInEvaluatedText } from "./subscripts.ts";
import { displayWord, type ShellWord, shellWord } from "./words.ts";
import { commandName, delegationsOf } from "./wrappers.ts";

/** A command as an allow rule sees it: one text form, and where each word ends in it. */
export interface CommandForm {
  text: string;
  wordEnds: number[];
}

/** One top-level simple command of the text (`a && b | c` has three). */
interface TopLevelCommand {
  /** The words resolved (`git "status"` → `git status`), and the words as written when that differs. */
  forms: CommandForm[];
  /**
   * How many words an allow rule must pin down to know what runs: 0 for a
   * plain command, 2 for `sudo rm` (the `rm`), Infinity when the command
   * reads what it runs from stdin or an expansion.
   */
  pinnedWords: number;
  /** Files it writes (redirections, output options); undefined for a target only the shell can resolve. */
  writes: Array<string | undefined>;
}

export interface ShellAnalysis {
  /** The top-level commands; only meaningful for allow rules when `notPlain` is empty. */
  commands: TopLevelCommand[];
  /** Every text a deny or ask rule is matched against, including what wrappers, substitutions and scripts run. */
  denyTexts: string[];
  /** Why what runs is not fully known: a deny rule cannot be proven not to match. */
  unresolved: string[];
  /** Why no prefix or wildcard allow rule can cover the text (incomplete parse, expansions, control flow …). */
  notPlain: string[];
  /** A `cd`, `pushd` or `popd` runs: relative write targets after it point somewhere unknown. */
  changesDirectory: boolean;
}

/** Statement kinds an allow rule may cover: commands joined by `;`, `&&`, `||`, `|`, `&`, grouped or negated. */
const PLAIN_STATEMENTS = new Set([
  "program",
  "list",
  "pipeline",
  "subshell",
  "compound_statement",
  "negated_command",
  "redirected_statement",
  "command",
  "comment",
]);
const WRITING_REDIRECTS = new Set([">", ">>", ">|", "&>", "&>>", "<>", ">&"]);
/** Backslash-newlines between two halves of one word (`t\⏎\⏎ouch`): bash drops them all. */
const LINE_CONTINUATIONS = /^(?:\\\n)+$/;
/** Scripts inside scripts (`sh -c "eval '…'"`) are followed this deep; deeper is unresolved. */
const MAX_DEPTH = 4;

const cache = new Map<string, ShellAnalysis>();
const CACHE_SIZE = 64;

/**
 * Reads a shell command with the bash grammar. Everything the analysis
 * cannot resolve without running the shell is reported, never guessed:
 * callers ask the user about it.
 */
export function analyzeShell(command: string): ShellAnalysis {
  const cached = cache.get(command);
  if (cached) return cached;
  const analysis: ShellAnalysis = {
    commands: [],
    denyTexts: [command.trim()],
    unresolved: [],
    notPlain: [],
    changesDirectory: false,
  };
  new Reader(analysis, command, 0).readProgram();
  analysis.denyTexts = [...new Set(analysis.denyTexts)];
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(command, analysis);
  return analysis;
}

interface Redirects {
  writes: Array<string | undefined>;
  /** Text a heredoc or here-string feeds the command; undefined when it expands, null when there is none. */
  stdin: string | undefined | null;
}

class Reader {
  private readonly analysis: ShellAnalysis;
  private readonly source: string;
  private readonly depth: number;

  constructor(analysis: ShellAnalysis, source: string, depth: number) {
    this.analysis = analysis;
    this.source = source;
    this.depth = depth;
  }

  private get nested(): boolean {
    return this.depth > 0;
  }

  readProgram(): void {
    const tree = parseShell(this.source);
    try {
      if (tree.rootNode.hasError) {
        this.analysis.unresolved.push("the command does not parse completely");
        this.analysis.notPlain.push("the command does not parse completely");
      }
      this.walk(tree.rootNode, { writes: [], stdin: null }, false);
      const evaluated = codeInEvaluatedText(tree.rootNode);
      if (evaluated !== undefined) {
        const why = `bash may evaluate \`${evaluated}\` a second time (as an array subscript or prompt) and run the command in it`;
        this.analysis.unresolved.push(why);
        this.analysis.notPlain.push(why);
      }
    } finally {
      tree.delete();
    }
  }

  /** Visits a node at statement level; `inSubstitution` marks text run by $(…), `…` or <(…). */
  private walk(node: ShellNode, inherited: Redirects, inSubstitution: boolean): void {
    if (node.type === "command") {
      this.readCommand(node, inherited, inSubstitution, []);
      return;
    }
    if (node.type === "command_substitution" || node.type === "process_substitution") {
      this.analysis.notPlain.push(`the substitution \`${node.text}\``);
      inSubstitution = true;
    } else if (node.type === "redirected_statement") {
      const redirectNodes = node.childrenForFieldName("redirect").filter(isNode);
      const redirects = this.readRedirects(redirectNodes, inSubstitution);
      const body = node.childForFieldName("body");
      const outer = { writes: [...inherited.writes, ...redirects.writes], stdin: redirects.stdin };
      if (body?.type === "command") this.readCommand(body, outer, inSubstitution, redirectNodes);
      else if (body) this.walk(body, { ...outer, stdin: null }, inSubstitution);
      return;
    } else if (node.type === "variable_assignment") {
      this.readAssignment(node);
    }
    if (node.isNamed && !PLAIN_STATEMENTS.has(node.type) && !inSubstitution) {
      this.analysis.notPlain.push(`a ${node.type.replace(/_/g, " ")}`);
    }
    for (const child of node.namedChildren) if (child) this.walk(child, inherited, inSubstitution);
  }

  /** Finds substitutions inside words, assignments and redirections: their commands run too. */
  private findNested(node: ShellNode, inSubstitution: boolean): void {
    if (node.type === "command_substitution" || node.type === "process_substitution") {
      this.walk(node, { writes: [], stdin: null }, inSubstitution);
      return;
    }
    for (const child of node.namedChildren) if (child) this.findNested(child, inSubstitution);
  }

  /**
   * Reads one simple command; `outerRedirects` are those the grammar put
   * around it (`cmd >x a b`), already read for their writes.
   */
  private readCommand(
    node: ShellNode,
    inherited: Redirects,
    inSubstitution: boolean,
    outerRedirects: ShellNode[],
  ): void {
    const words: ShellWord[] = [];
    const redirectNodes: ShellNode[] = [];
    for (let index = 0; index < node.childCount; index++) {
      const child = node.child(index);
      if (!child?.isNamed) continue;
      const field = node.fieldNameForChild(index);
      if (field === "name" || field === "argument") {
        this.joinOrPush(words, shellWord(child));
        this.findNested(child, inSubstitution);
      } else if (child.type.endsWith("redirect")) {
        redirectNodes.push(child);
        words.push(...argumentsInRedirect(child, this.source));
      } else {
        // `A=1 cmd`: the assignment can change what the command does (PATH, LD_PRELOAD, GIT_*).
        this.analysis.notPlain.push(`the assignment \`${child.text}\``);
        if (child.type === "variable_assignment") this.readAssignment(child);
        this.findNested(child, inSubstitution);
      }
    }
    for (const outer of outerRedirects) words.push(...argumentsInRedirect(outer, this.source));
    const own = this.readRedirects(redirectNodes, inSubstitution);
    const redirects: Redirects = {
      writes: [...inherited.writes, ...own.writes],
      stdin: own.stdin !== null ? own.stdin : inherited.stdin,
    };
    for (const word of words) {
      if (word.value === undefined) this.analysis.notPlain.push(`\`${word.raw}\` is expanded by the shell`);
    }
    const writes = [...redirects.writes];
    const pinnedWords = this.readStages(words, 0, words.length, redirects.stdin, writes);
    if (!inSubstitution && !this.nested) {
      const forms = this.allowForms(words, [...redirectNodes, ...outerRedirects]);
      this.analysis.commands.push({ forms, pinnedWords, writes });
    }
  }

  /** `PAGER='rm x' git log`, `export GIT_SSH_COMMAND='…'`: a variable holding a command that runs later. */
  private readAssignment(node: ShellNode): void {
    const name = node.childForFieldName("name")?.text ?? "";
    if (!isCommandVariable(name)) return;
    const value = node.childForFieldName("value");
    this.readScript(value ? shellWord(value).value : "", value?.text ?? "");
  }

  /** `r\⏎m`: bash joins the two halves into one word; the grammar reads two. */
  private joinOrPush(words: ShellWord[], word: ShellWord): void {
    const previous = words.at(-1);
    if (!previous || !LINE_CONTINUATIONS.test(this.source.slice(previous.end, word.start))) {
      words.push(word);
      return;
    }
    const value =
      previous.value !== undefined && word.value !== undefined ? previous.value + word.value : undefined;
    words[words.length - 1] = {
      value,
      raw: this.source.slice(previous.start, word.end),
      start: previous.start,
      end: word.end,
    };
  }

  /**
   * Adds the deny texts of words[from…end) and of everything it runs, its
   * output-option targets to `writes`, and returns how many words an allow
   * rule must pin to know what runs.
   */
  private readStages(
    words: ShellWord[],
    from: number,
    end: number,
    stdin: string | undefined | null,
    writes: Array<string | undefined>,
  ): number {
    if (from >= end) return 0;
    if (words[from]!.value === undefined) {
      this.analysis.unresolved.push(
        `the command name \`${words[from]!.raw}\` is only known when the shell runs`,
      );
    }
    this.analysis.denyTexts.push(...this.denyForms(words, from, end));
    writes.push(...outputFlagTargets(words, from, end), ...fileOperandTargets(words, from, end));
    if (["cd", "pushd", "popd"].includes(commandName(words[from]) ?? ""))
      this.analysis.changesDirectory = true;
    let pinned = 0;
    const hidden = hiddenCode(words, from, end);
    if (hidden !== undefined) {
      this.analysis.unresolved.push(hidden);
      pinned = Number.POSITIVE_INFINITY;
    }
    for (const delegation of delegationsOf(words.slice(0, end), from)) {
      switch (delegation.kind) {
        case "command":
          pinned = Math.max(
            pinned,
            delegation.at + 1,
            this.readStages(words, delegation.at, delegation.end ?? end, null, writes),
          );
          break;
        case "file":
          pinned = Math.max(pinned, delegation.at + 1);
          break;
        case "script":
          this.readScript(delegation.text, words[delegation.at]?.raw ?? "");
          pinned = Math.max(pinned, delegation.at + 1);
          break;
        case "stdin":
          // A heredoc or here-string written out literally is the script; a pipe is not known.
          if (typeof stdin === "string") this.readScript(stdin, "its heredoc");
          else this.analysis.unresolved.push(`\`${words[from]!.raw}\` runs commands it reads at run time`);
          pinned = Number.POSITIVE_INFINITY;
          break;
      }
    }
    return pinned;
  }

  private readScript(text: string | undefined, raw: string): void {
    if (text === undefined) {
      this.analysis.unresolved.push(`the script \`${raw}\` is only known when the shell runs`);
    } else if (this.depth >= MAX_DEPTH) {
      this.analysis.unresolved.push("scripts are nested too deep to follow");
    } else {
      new Reader(this.analysis, text, this.depth + 1).readProgram();
    }
  }

  /** The stage as resolved words (name without its folder: `/bin/rm` is `rm`) and as written. */
  private denyForms(words: ShellWord[], from: number, end: number): string[] {
    const stage = words.slice(from, end);
    const name = commandName(stage[0]) ?? stage[0]!.raw;
    const resolved = [name, ...stage.slice(1).map(displayWord)].join(" ");
    const written = this.source.slice(stage[0]!.start, stage.at(-1)!.end);
    return resolved === written ? [resolved] : [resolved, written];
  }

  private allowForms(words: ShellWord[], redirectNodes: ShellNode[]): CommandForm[] {
    if (words.length === 0) return [{ text: "", wordEnds: [] }];
    const displayed = words.map(displayWord);
    const wordEnds: number[] = [];
    let length = -1;
    for (const text of displayed) {
      length += text.length + 1;
      wordEnds.push(length);
    }
    const forms = [{ text: displayed.join(" "), wordEnds }];
    const start = words[0]!.start;
    const end = words.at(-1)!.end;
    // As written, only when no redirection sits between the words (`npm >x test`).
    if (redirectNodes.every((node) => node.startIndex >= end || node.endIndex <= start)) {
      const written = this.source.slice(start, end);
      if (written !== forms[0]!.text)
        forms.push({ text: written, wordEnds: words.map((w) => w.end - start) });
    }
    return forms;
  }

  private readRedirects(nodes: ShellNode[], inSubstitution: boolean): Redirects {
    const redirects: Redirects = { writes: [], stdin: null };
    for (const node of nodes) {
      this.findNested(node, inSubstitution);
      if (node.type === "file_redirect") {
        const operator = node.children.find((child) => child && !child.isNamed)?.type ?? "";
        const destination = node.childForFieldName("destination");
        if (!WRITING_REDIRECTS.has(operator) || !destination) continue;
        // `>&2`, `2>&1`: a descriptor, not a file.
        if (operator === ">&" && destination.type === "number") continue;
        const target = shellWord(destination);
        if (target.value === undefined)
          this.analysis.notPlain.push(`the redirection target \`${target.raw}\``);
        redirects.writes.push(target.value);
      } else if (node.type === "heredoc_redirect") {
        const inner = this.readRedirects(
          node.childrenForFieldName("redirect").filter(isNode),
          inSubstitution,
        );
        redirects.writes.push(...inner.writes);
        redirects.stdin = this.heredocText(node);
      } else if (node.type === "herestring_redirect") {
        const word = node.namedChild(0);
        const value = word ? shellWord(word).value : undefined;
        if (value === undefined) this.analysis.notPlain.push(`the here-string \`${node.text}\``);
        redirects.stdin = value === undefined ? undefined : `${value}\n`;
      }
    }
    return redirects;
  }

  /** A heredoc's text when the shell passes it on unchanged (quoted delimiter, or nothing to expand). */
  private heredocText(node: ShellNode): string | undefined {
    const body = node.namedChildren.find((child) => child?.type === "heredoc_body");
    if (!body) return "";
    const start = node.namedChildren.find((child) => child?.type === "heredoc_start")?.text ?? "";
    const quoted = /['"\\]/.test(start);
    const expands = body.namedChildren.some((child) => child && child.type !== "heredoc_content");
    if (!quoted && (expands || /[\\$`]/.test(body.text))) {
      this.analysis.notPlain.push("a heredoc the shell expands");
      return undefined;
    }
    return body.text;
  }
}

/**
 * `env >out touch M`: bash writes to `out` and passes `touch M` on as
 * arguments, but the grammar keeps every word after `>` in the redirection.
 * The words after the first are the command's.
 */
function argumentsInRedirect(node: ShellNode, source: string): ShellWord[] {
  if (node.type !== "file_redirect") return [];
  const words = node.childrenForFieldName("destination").filter(isNode).map(shellWord);
  // `>A\⏎=1`: a backslash-newline joins the target's halves, so the arguments start later.
  let first = 1;
  while (
    first < words.length &&
    LINE_CONTINUATIONS.test(source.slice(words[first - 1]!.end, words[first]!.start))
  )
    first++;
  return words.slice(first);
}

function isNode(node: ShellNode | null): node is ShellNode {
  return node !== null;
}
