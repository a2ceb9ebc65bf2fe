import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../config/atomic-write.ts";
import type { ImagePart, Message } from "../core/messages.ts";
import { ensurePrivateFolder, PRIVATE_FILE_MODE } from "./private-folder.ts";

/**
 * Where attached images' bytes live: one file per image under `~/.tacit/images/`, named by the
 * SHA-256 of its bytes. The session database keeps only the part's name, type and hash, so a
 * session with screenshots stays small, and the same screenshot attached twice is stored once.
 */
export class ImageFiles {
  private readonly directory: string;
  private folderIsPrivate = false;

  constructor(directory: string) {
    this.directory = directory;
  }

  /** The message as the database keeps it: each image's bytes written to its file and left out. */
  externalize(message: Message): Message {
    if (message.role !== "user" || !message.content.some((part) => part.type === "image")) return message;
    return {
      role: "user",
      content: message.content.map((part) => (part.type === "image" ? this.save(part) : part)),
    };
  }

  /** A stored message with each image's bytes read back; an image whose file is gone stays without them. */
  internalize(message: Message): Message {
    if (message.role !== "user" || !message.content.some((part) => part.type === "image")) return message;
    return {
      role: "user",
      content: message.content.map((part) => (part.type === "image" ? this.load(part) : part)),
    };
  }

  private save(part: ImagePart): ImagePart {
    const { data, ...stored } = part;
    const file = this.fileOf(part.sha256);
    if (data !== undefined && file !== undefined) {
      // A screenshot may show anything: only the user reads the folder and its files.
      if (!this.folderIsPrivate) {
        ensurePrivateFolder(this.directory, this.directory);
        this.folderIsPrivate = true;
      }
      if (!existsSync(file)) writeFileAtomic(file, Buffer.from(data, "base64"), { mode: PRIVATE_FILE_MODE });
    }
    return stored;
  }

  private load(part: ImagePart): ImagePart {
    const file = this.fileOf(part.sha256);
    if (file === undefined || !existsSync(file)) return part;
    return { ...part, data: readFileSync(file).toString("base64") };
  }

  /** Only a hex digest names a file: a hand-edited row cannot point the store elsewhere on disk. */
  private fileOf(sha256: string): string | undefined {
    return /^[0-9a-f]{64}$/.test(sha256) ? path.join(this.directory, sha256) : undefined;
  }
}

/** A message with no image bytes in it, for a store that has nowhere to put them. */
export function withoutImageBytes(message: Message): Message {
  if (message.role !== "user") return message;
  return {
    role: "user",
    content: message.content.map((part) => {
      if (part.type !== "image") return part;
      const { data: _bytes, ...rest } = part;
      return rest;
    }),
  };
}
