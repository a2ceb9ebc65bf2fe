import { readFile } from "node:fs/promises";
import type { AgentContext, ClientCapabilities } from "@agentclientprotocol/sdk";
import { writeFileAtomic } from "../../config/atomic-write.ts";
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
    readText: async (absolutePath) => {
      if (!canRead) return readFile(absolutePath, "utf8");
      const response = await client().request("fs/read_text_file", {
        sessionId: sessionId(),
        path: absolutePath,
      });
      return response.content;
    },
    writeText: async (absolutePath, content) => {
      if (!canWrite) {
        writeFileAtomic(absolutePath, content);
        return;
      }
      await client().request("fs/write_text_file", { sessionId: sessionId(), path: absolutePath, content });
    },
  };
}
