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
import { isImagePath, MAX_IMAGES_BYTES, megabytes, readImagePart } from "./image-file.ts";
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
 * headless mode) or asked about (the TUI), never read unasked. A mention naming nothing on disk stays
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
    const decision = await this.options.gate.check(
      claudeReadTool(),
      { file_path: absolutePath },
      fromRepository ? { ...this.context, noPrompt: true } : this.context,
    );
    if (!decision.allowed) return this.refuse(`@${written}`, firstSentence(decision.reason));
    if (stats.isDirectory()) return this.text(`@${written}`, "folder", await this.listing(absolutePath));
    if (isImagePath(absolutePath)) return this.image(`@${written}`, absolutePath, stats.size);
    const read = await readTextFile(this.context, { path: absolutePath });
    if (read.isError) return this.refuse(`@${written}`, firstSentence(read.output));
    await this.text(`@${written}`, "file", capOutput(read.output, MAX_FILE_CHARS), absolutePath);
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
    const listed = await listDirectory(this.context, { path: absolutePath, depth: 2, limit: FOLDER_ENTRIES });
    return capOutput(listed.output, MAX_FILE_CHARS);
  }

  private async text(label: string, kind: "file" | "folder", body: string, absolutePath?: string) {
    if (this.chars + body.length > MAX_ATTACHED_CHARS) {
      return this.refuse(label, `the prompt's attachments would pass ${MAX_ATTACHED_CHARS} characters`);
    }
    this.chars += body.length;
    const shown = displayPath(this.context, absolutePath ?? path.resolve(this.options.cwd, label.slice(1)));
    this.blocks.push(`<attached-${kind} path="${shown}">\n${body}\n</attached-${kind}>`);
    this.attached.push(label);
  }

  private async image(label: string, absolutePath: string, size: number) {
    const model = this.options.model();
    if (!model.acceptsImages) return this.refuse(label, `${model.ref} does not accept images`);
    if (this.imageBytes + size > MAX_IMAGES_BYTES) {
      return this.refuse(label, `the prompt's images would pass ${megabytes(MAX_IMAGES_BYTES)}`);
    }
    const read = await readImagePart(absolutePath, label.replace(/^@/, ""), size);
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
