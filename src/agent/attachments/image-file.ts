import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../../core/errors.ts";
import type { ImagePart } from "../../core/messages.ts";
import type { ModelInfo } from "../../core/model.ts";
import type { ToolContext } from "../../core/tool.ts";
import { readCheckedFile } from "../../tools/checked-path.ts";

/** The most one image may weigh: providers refuse bigger ones (Anthropic at 5 MB), and tacit does not resize. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The most the images of one message may weigh together. */
export const MAX_IMAGES_BYTES = 20 * 1024 * 1024;

const IMAGE_EXTENSIONS = /\.(png|jpe?g|gif|webp)$/i;

/**
 * Why a model gets no images, in words for one line: a model known not to take them says so; one nothing
 * is known about (not in the catalog, its provider silent) says how the user can tell tacit it does.
 */
export function imagesRefusedBy(model: ModelInfo): string {
  if (model.acceptsImages === false) return `${model.ref} does not accept images`;
  return `${model.ref} is not known to accept images; if it does, set "models": {"${model.ref}": {"vision": true}} in settings, or run \`tacit models --refresh\` to ask its provider`;
}

/** Whether a path names an image by its extension (what decides image or text before the bytes are read). */
export function isImagePath(filePath: string): boolean {
  return IMAGE_EXTENSIONS.test(filePath);
}

/** The image's type from its first bytes (not its name): what every provider checks the data against. */
function imageMediaType(bytes: Uint8Array): string | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.subarray(start, end)).toString("latin1");
  if (bytes[0] === 0x89 && ascii(1, 4) === "PNG") return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (ascii(0, 4) === "GIF8") return "image/gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

export type ImageRead = { ok: true; part: ImagePart; bytes: number } | { ok: false; reason: string };

/**
 * Reads an image file into a message part, or says in a few words why it cannot go. The file is read
 * at the real path the gate judged for it (context.checkedPaths), never through a link swapped in since.
 */
export async function readImagePart(
  absolutePath: string,
  name: string,
  size: number,
  context: Pick<ToolContext, "checkedPaths"> = {},
): Promise<ImageRead> {
  if (size > MAX_IMAGE_BYTES) {
    return {
      ok: false,
      reason: `${megabytes(size)}, over the ${megabytes(MAX_IMAGE_BYTES)} cap for one image`,
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readCheckedFile(context, absolutePath);
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  }
  const mediaType = imageMediaType(bytes);
  if (!mediaType) return { ok: false, reason: "not a PNG, JPEG, GIF or WebP image" };
  return {
    ok: true,
    bytes: bytes.length,
    part: {
      type: "image",
      mediaType,
      name,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      data: bytes.toString("base64"),
    },
  };
}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Why `--image` files cannot go with this run, in one line, or undefined when they can: checked
 * before the run starts, so a run the user asked to see an image never goes on without it.
 */
export function explicitImagesRefusal(
  files: readonly string[],
  model: ModelInfo,
  cwd: string,
): string | undefined {
  if (files.length === 0) return undefined;
  if (!model.acceptsImages)
    return `--image: ${imagesRefusedBy(model)}; or choose a model that does with --model`;
  for (const file of files) {
    const stats = statSync(path.resolve(cwd, file), { throwIfNoEntry: false });
    if (!stats?.isFile()) return `--image: no such file: ${file}`;
    if (!isImagePath(file)) return `--image: ${file} is not a PNG, JPEG, GIF or WebP image`;
    if (stats.size > MAX_IMAGE_BYTES) {
      return `--image: ${file} is ${megabytes(stats.size)}, over the ${megabytes(MAX_IMAGE_BYTES)} cap for one image`;
    }
    // The bytes, not the name, decide (as readImagePart does later): a text file named .png must stop
    // the run here rather than become a notice while the prompt goes on without the image.
    if (!imageMediaType(firstBytes(path.resolve(cwd, file), 12))) {
      return `--image: ${file} is not a PNG, JPEG, GIF or WebP image (by its bytes)`;
    }
  }
  return undefined;
}

function firstBytes(absolutePath: string, count: number): Uint8Array {
  const buffer = Buffer.alloc(count);
  const descriptor = openSync(absolutePath, "r");
  try {
    return buffer.subarray(0, readSync(descriptor, buffer, 0, count, 0));
  } finally {
    closeSync(descriptor);
  }
}
