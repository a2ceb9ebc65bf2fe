import { readFile } from "node:fs/promises";
import type { AgentContext, ClientCapabilities } from "@agentclientprotocol/sdk";
import { writeFileAtomic, writeFileAtRealPath } from "../../config/atomic-write.ts";
import { readFileAtRealPath } from "../../config/checked-file.ts";
import type { TextFileAccess } from "../../core/tool.ts";

/**
 * The file tools' text through the editor when it offers fs/read_text_file and fs/write_text_file,
 * so the model reads what the user sees (unsaved changes included) and its edits land in the
 * editor's buffers. Only the text travels: the tools still check the path on the disk and the
 * permission gate has already judged the call, so the editor's access widens nothing. Undefined
 * when the client offers neither: the tools keep to the disk as in every other mode.
 */
export function clientFiles(
  capabilities: ClientCapabilities | undefined,
  client: () => AgentContext,
  sessionId: () => string,
): TextFileAccess | undefined {
  const canRead = capabilities?.fs?.readTextFile === true;
  const canWrite = capabilities?.fs?.writeTextFile === true;
  if (!canRead && !canWrite) return undefined;
  return {
    readText: async (absolutePath, realPath) => {
      if (!canRead) return readDiskText(absolutePath, realPath);
      const response = await client().request("fs/read_text_file", {
        sessionId: sessionId(),
        path: absolutePath,
      });
      return response.content;
    },
    writeText: async (absolutePath, content, realPath) => {
      if (!canWrite) {
        // At the real path the gate judged, following no link swapped in since (config/checked-file.ts).
        if (realPath === undefined) writeFileAtomic(absolutePath, content);
        else writeFileAtRealPath(realPath, content);
        return;
      }
      await client().request("fs/write_text_file", { sessionId: sessionId(), path: absolutePath, content });
    },
  };
}

/** The disk's text when the editor does not offer reading: at the checked real path, when there is one. */
async function readDiskText(absolutePath: string, realPath: string | undefined): Promise<string> {
  if (realPath === undefined) return readFile(absolutePath, "utf8");
  return (await readFileAtRealPath(realPath)).toString("utf8");
}
