import { fileURLToPath } from "node:url";
import { type ContentBlock, RequestError } from "@agentclientprotocol/sdk";

/**
 * A session/prompt's content blocks as the one text tacit's user turn is. Text is taken as is; a
 * resource link (a file the user @-mentioned) becomes its path, for the model to read with its tools;
 * an embedded text resource (the editor sent the file's text, unsaved changes included) is inlined
 * with its path. Images, audio and binary resources are not advertised, so a client sending one gets
 * a clear error instead of a turn that silently lost part of its prompt.
 */
export function promptText(blocks: readonly ContentBlock[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        parts.push(block.text);
        break;
      case "resource_link":
        parts.push(`@${pathOf(block.uri)}`);
        break;
      case "resource":
        if (!("text" in block.resource)) {
          throw RequestError.invalidParams(undefined, "tacit takes text resources only, not binary ones");
        }
        parts.push(`<file path="${pathOf(block.resource.uri)}">\n${block.resource.text}\n</file>`);
        break;
      default:
        throw RequestError.invalidParams(undefined, `tacit does not take ${block.type} content in a prompt`);
    }
  }
  return parts.join("\n");
}

/** A file: URI as a plain path (what the model's tools take); any other URI as it is. */
function pathOf(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}
