import { stat } from "node:fs/promises";
import path from "node:path";
import { expandHome } from "../../config/paths.ts";
import { isInside, resolveThroughLinks } from "../../config/real-path.ts";
import type { AgentEvent } from "../../core/events.ts";
import type { ImagePart } from "../../core/messages.ts";
import type { ModelInfo } from "../../core/model.ts";
import type { TextFileAccess, ToolContext, ToolSessionState } from "../../core/tool.ts";
import { capOutput, displayPath } from "../../tools/define-tool.ts";
import { listDirectory } from "../../tools/ls.ts";
import { claudeReadTool, readTextFile } from "../../tools/read.ts";
import type { PermissionGate } from "../permission-gate.ts";
import type { TurnContextSource } from "../turn-context.ts";
import { imagesRefusedBy, isImagePath, MAX_IMAGES_BYTES, megabytes, readImagePart } from "./image-file.ts";
import { findMentions, type Mention } from "./mentions.ts";

/** Characters of one file's numbered lines that go with the prompt; the model reads on with its Read tool. */
const MAX_FILE_CHARS = 50_000;
/** Characters all the prompt's files and listings may add together; later mentions past it are left out. */
const MAX_ATTACHED_CHARS = 150_000;
/** Entries of a folder's listing (two levels deep). */
const FOLDER_ENTRIES = 200;

export interface AttachmentOptions {
  cwd: string;
  projectRoot: string;
  gate: PermissionGate;
  state: ToolSessionState;
  /** The model the turn goes to (it changes with /model): images go only to one that takes them. */
  model(): ModelInfo;
  files?: TextFileAccess;
  /** Image files named apart from the words (`--image`): the user's own choice, attached without the gate. */
  images?: readonly string[];
  /**
   * The words are the user's own, typed or pasted in the TUI: an image path pasted in them is the
   * user's say for that file. Absent (-p, whose stdin may be any file's text; a command file's body),
   * a pasted path goes through the gate like any @mention.
   */
  userPasted?: boolean;
  /** The prompt is a repository's command's body: its mentions are the repository's, not the user's. */
  repositoryMentions?: RepositoryMentions;
}

/**
 * A repository's command file is hostile input, so the @mentions of its body
 * are not the user's typing: each may attach only a file or folder inside the
 * project, and only what the gate allows without asking (one the user never
 * typed must not raise a question); any other stays text, with one line
 * saying so. The mentions the user typed in the command's arguments count as
 * the user's own. A user's own command's body is their typing: no such limit.
 */
export interface RepositoryMentions {
  /** The mention paths the user typed in the arguments. */
  userTyped: ReadonlySet<string>;
}

/**
 * `@path` in a prompt: the file's numbered lines (as the Read tool shows them), a folder's listing
 * or an image part, added to the user's message. Each mention is judged by the permission gate as a
 * Read of that path, so a Read deny rule or a path outside the project is refused (one line, in
 * headless mode) or asked about (the TUI), never read unasked; the model is told why it is missing
 * (a deny rule, or the user's own reason). An image path the user pasted in the TUI (no @) is the
 * user's say for that one file, like `--image`: attached without asking, and without offering a Read
 * rule for its whole folder; a deny rule still refuses it. A mention naming nothing on disk stays
 * plain text.
 */
export function attachmentSource(options: AttachmentOptions): TurnContextSource {
  return {
    name: "attachment",
    gather: async (prompt, signal) => {
      const words = prompt.content.flatMap((part) =>
        part.type === "text" && !part.turnContext ? [part.text] : [],
      );
      const attach = new Attacher(options, signal);
      for (const image of options.images ?? []) await attach.explicitImage(image);
      const fromRepository = (mention: Mention) =>
        options.repositoryMentions !== undefined && !options.repositoryMentions.userTyped.has(mention.path);
      for (const mention of findMentions(words.join("\n")))
        await attach.mention(mention, fromRepository(mention));
      return attach.gathered();
    },
  };
}

class Attacher {
  private readonly options: AttachmentOptions;
  private readonly context: ToolContext;
  private readonly blocks: string[] = [];
  private readonly images: ImagePart[] = [];
  private readonly events: AgentEvent[] = [];
  private readonly attached: string[] = [];
  private chars = 0;
  private imageBytes = 0;

  constructor(options: AttachmentOptions, signal: AbortSignal) {
    this.options = options;
    this.context = {
      cwd: options.cwd,
      projectRoot: options.projectRoot,
      signal,
      state: options.state,
      isReadDenied: (absolutePath) => options.gate.isReadDenied(absolutePath),
      ...(options.files ? { files: options.files } : {}),
    };
  }

  gathered(): { text?: string; images?: ImagePart[]; events: AgentEvent[] } {
    if (this.attached.length > 0) {
      this.events.unshift({ type: "notice", level: "info", text: `Attached ${this.attached.join(", ")}.` });
    }
    return {
      ...(this.blocks.length > 0 ? { text: this.blocks.join("\n\n") } : {}),
      ...(this.images.length > 0 ? { images: this.images } : {}),
      events: this.events,
    };
  }

  async explicitImage(written: string): Promise<void> {
    const absolutePath = path.resolve(this.options.cwd, expandHome(written));
    const stats = await stat(absolutePath).catch(() => undefined);
    if (!stats?.isFile()) return this.refuse(written, "no such file");
    await this.image(written, absolutePath, stats.size);
  }

  async mention(mention: Mention, fromRepository: boolean): Promise<void> {
    const found = await this.find(mention);
    if (!found) return;
    const { written, absolutePath, stats } = found;
    const realRoot = resolveThroughLinks(this.options.projectRoot);
    if (fromRepository && !isInside(resolveThroughLinks(absolutePath), realRoot))
      return this.refuse(`@${written}`, "a repository's command may attach only files inside the project");
    if (mention.pasted && this.options.userPasted && stats.isFile()) {
      // Denied paths (deny rules, credential files) still go to the gate, for its refusal or question.
      if (!this.options.gate.isReadDenied(absolutePath))
        return this.image(`@${written}`, absolutePath, stats.size);
    }
    // The gate records the real path it judged; the read below opens exactly that (tools/checked-path.ts).
    const context = { ...this.context, checkedPaths: new Map<string, string>() };
    const decision = await this.options.gate.check(
      claudeReadTool(),
      { file_path: absolutePath },
      fromRepository ? { ...context, noPrompt: true } : context,
    );
    if (!decision.allowed) {
      // The model sees the mention in the words: it learns why nothing came with it (the user's reason
      // when they gave one), rather than trying to read it.
      this.blocks.push(`<attachment-refused path="${written}">\n${decision.reason}\n</attachment-refused>`);
      return this.refuse(`@${written}`, firstSentence(decision.reason));
    }
    if (stats.isDirectory()) {
      return this.text(`@${written}`, "folder", await this.listing(absolutePath), absolutePath);
    }
    if (isImagePath(absolutePath)) return this.image(`@${written}`, absolutePath, stats.size, context);
    // The cap is the read's own window, so the note at its end names exactly the lines sent and where to read on.
    const read = await readTextFile(context, { path: absolutePath, maxChars: MAX_FILE_CHARS });
    if (read.isError) return this.refuse(`@${written}`, firstSentence(read.output));
    await this.text(`@${written}`, "file", read.output, absolutePath);
  }

  /** The first spelling of the mention that names something on disk; none: the mention is plain text. */
  private async find(mention: Mention) {
    for (const written of [mention.path, ...mention.alternatives]) {
      const absolutePath = path.resolve(this.options.cwd, expandHome(written));
      const stats = await stat(absolutePath).catch(() => undefined);
      if (stats && (stats.isFile() || stats.isDirectory())) return { written, absolutePath, stats };
    }
    return undefined;
  }

  private async listing(absolutePath: string): Promise<string> {
    const listed = await listDirectory(this.context, {
      path: absolutePath,
      depth: 2,
      limit: FOLDER_ENTRIES,
      shownRoot: this.promptPath(absolutePath),
    });
    return capOutput(listed.output, MAX_FILE_CHARS);
  }

  private async text(label: string, kind: "file" | "folder", body: string, absolutePath: string) {
    if (this.chars + body.length > MAX_ATTACHED_CHARS) {
      return this.refuse(label, `the prompt's attachments would pass ${MAX_ATTACHED_CHARS} characters`);
    }
    this.chars += body.length;
    const shown = this.promptPath(absolutePath);
    this.blocks.push(`<attached-${kind} path="${shown}">\n${body}\n</attached-${kind}>`);
    this.attached.push(label);
  }

  /**
   * How an attachment names its path to the provider: relative to the working folder, or to the
   * home folder (`~/notes`), so the user's name and home layout do not go out with every listing.
   */
  private promptPath(absolutePath: string): string {
    const shown = displayPath(this.context, absolutePath);
    if (!path.isAbsolute(shown)) return shown;
    const fromHome = path.relative(expandHome("~"), absolutePath);
    return fromHome && !fromHome.startsWith("..") && !path.isAbsolute(fromHome) ? `~/${fromHome}` : shown;
  }

  private async image(
    label: string,
    absolutePath: string,
    size: number,
    context: ToolContext = this.context,
  ) {
    const model = this.options.model();
    if (!model.acceptsImages) return this.refuse(label, imagesRefusedBy(model));
    if (this.imageBytes + size > MAX_IMAGES_BYTES) {
      return this.refuse(label, `the prompt's images would pass ${megabytes(MAX_IMAGES_BYTES)}`);
    }
    const read = await readImagePart(absolutePath, label.replace(/^@/, ""), size, context);
    if (!read.ok) return this.refuse(label, read.reason);
    this.imageBytes += read.bytes;
    this.images.push(read.part);
    this.attached.push(label);
  }

  private refuse(label: string, reason: string): void {
    this.events.push({ type: "notice", level: "warning", text: `Not attached: ${label} (${reason}).` });
  }
}

/** A gate's or a tool's reason is written for the model; the user gets its first sentence. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return (end === -1 ? text : text.slice(0, end)).trim();
}
