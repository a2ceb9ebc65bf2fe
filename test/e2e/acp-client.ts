// A scripted editor for `tacit acp`: the client side of the official ACP SDK, connected to the
// built CLI as a real child process over its stdin and stdout, with the answers a test chooses
// for permission questions and, when asked for, an in-memory buffer for the fs/* methods.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Readable, Writable } from "node:stream";
import {
  type ClientCapabilities,
  type ClientConnection,
  client,
  type InitializeRequest,
  ndJsonStream,
  PROTOCOL_VERSION,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
} from "@agentclientprotocol/sdk";
import { cliPath } from "./harness.ts";

export interface AcpEditor {
  readonly connection: ClientConnection;
  readonly updates: SessionNotification[];
  readonly permissionRequests: RequestPermissionRequest[];
  /** Paths the agent asked to read through fs/read_text_file, as sent. */
  readonly reads: string[];
  /** Paths and texts the agent wrote through fs/write_text_file. */
  readonly writes: Array<{ path: string; content: string }>;
  /** The editor's open buffers: fs/read_text_file answers from them first, then from the disk. */
  readonly buffers: Map<string, string>;
  /** Chooses the answer to each permission question (default: the first option, allow once). */
  answer(choose: (request: RequestPermissionRequest) => RequestPermissionResponse): void;
  stderr(): string;
  /** Every line the agent wrote to stdout, as written (the protocol's and anything else). */
  stdoutLines(): string[];
  /** Closes the agent's stdin, as an editor does when it goes, and waits for it to exit. */
  close(): Promise<number | null>;
}

export interface AcpEditorOptions {
  cwd: string;
  env: Record<string, string>;
  args?: string[];
}

/** Spawns `tacit acp` and connects to it; initialize is left to the test (it is part of what is tested). */
export function startAcpEditor(options: AcpEditorOptions): AcpEditor {
  const child: ChildProcess = spawn(process.execPath, [cliPath, "acp", ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", TACIT_NO_REFLECT: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  // A second reader of stdout, beside the SDK's: what else, if anything, reached it.
  let stdout = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const updates: SessionNotification[] = [];
  const permissionRequests: RequestPermissionRequest[] = [];
  const reads: string[] = [];
  const writes: Array<{ path: string; content: string }> = [];
  const buffers = new Map<string, string>();
  let choose = (request: RequestPermissionRequest): RequestPermissionResponse => ({
    outcome: { outcome: "selected", optionId: request.options[0]!.optionId },
  });
  const app = client({ name: "tacit-test-editor" })
    .onNotification("session/update", ({ params }) => {
      updates.push(params);
    })
    .onRequest("session/request_permission", ({ params }) => {
      permissionRequests.push(params);
      return choose(params);
    })
    .onRequest("fs/read_text_file", ({ params }) => {
      reads.push(params.path);
      return { content: buffers.get(params.path) ?? readFileSync(params.path, "utf8") };
    })
    .onRequest("fs/write_text_file", ({ params }) => {
      writes.push({ path: params.path, content: params.content });
      buffers.set(params.path, params.content);
      return {};
    });
  const connection = app.connect(
    ndJsonStream(
      Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
      Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
    ),
  );
  return {
    connection,
    updates,
    permissionRequests,
    reads,
    writes,
    buffers,
    answer: (next) => {
      choose = next;
    },
    stderr: () => stderr,
    stdoutLines: () => stdout.split("\n").filter((line) => line !== ""),
    close: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      connection.close();
      return code;
    },
  };
}

/** The initialize request a test editor sends. */
export function initializeParams(capabilities: ClientCapabilities = {}): InitializeRequest {
  return {
    protocolVersion: PROTOCOL_VERSION,
    clientCapabilities: capabilities,
    clientInfo: { name: "tacit-test-editor", version: "1.0.0" },
  };
}

/** The text of every update of one kind, joined (agent_message_chunk, agent_thought_chunk, user_message_chunk). */
export function chunkText(updates: readonly SessionNotification[], kind: string): string {
  return updates
    .map((notification) => notification.update)
    .filter((update) => update.sessionUpdate === kind)
    .map((update) =>
      "content" in update && update.content && "text" in update.content ? update.content.text : "",
    )
    .join("");
}
