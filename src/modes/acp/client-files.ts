import type { AgentContext, ClientCapabilities } from "@agentclientprotocol/sdk";
import { writeFileAtRealPath } from "../../config/atomic-write.ts";
import { readFileAtRealPath } from "../../config/checked-file.ts";
import type { TextFileAccess } from "../../core/tool.ts";

/**
 * The file tools' text through the editor when it offers fs/read_text_file and fs/write_text_file,
 * so the model reads what the user sees (unsaved changes included) and its edits land in the
 * editor's buffers. Undefined when the client offers neither: the tools keep to the disk as in
 * every other mode.
 *
 * The editor is sent exactly the real path the permission gate judged, never the model's text:
 * the editor is another process, started elsewhere, so a path like /proc/self/cwd/.bashrc or
 * ../x means a different file there (its own cwd, its own /proc/self) than the one judged here,
 * and a link swapped in since would be followed again. A real path means the same file in both.
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
    readText: async (_absolutePath, realPath) => {
      // The disk at the real path the gate judged, following no link swapped in since (config/checked-file.ts).
      if (!canRead) return (await readFileAtRealPath(realPath)).toString("utf8");
      const response = await client().request("fs/read_text_file", {
        sessionId: sessionId(),
        path: realPath,
      });
      return response.content;
    },
    writeText: async (_absolutePath, content, realPath) => {
      if (!canWrite) {
        writeFileAtRealPath(realPath, content);
        return;
      }
      await client().request("fs/write_text_file", { sessionId: sessionId(), path: realPath, content });
    },
  };
}
