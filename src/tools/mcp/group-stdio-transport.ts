import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { groupIsAlive, killProcessGroup } from "../run-process.ts";

/** Time between SIGTERM and SIGKILL to a server's process group. */
const KILL_GRACE_MS = 1000;
const POLL_MS = 25;

export interface GroupStdioParameters {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The server's stderr, as it arrives (never shown in the terminal). */
  onStderr?: (chunk: Buffer) => void;
}

/**
 * MCP over a child's stdin/stdout (newline-delimited JSON-RPC), like the SDK's
 * StdioClientTransport but with the server in a process group of its own
 * (`detached`), which the SDK does not offer. Whatever the server starts
 * (a `sh -c` wrapper's command, a helper it spawns) is in that group, so
 * stopping the server — close, a crash, a startup timeout — stops all of it:
 * SIGTERM to the group, SIGKILL after a grace period. Closing never waits on
 * the pipes: they are destroyed and the child unreferenced, so tacit can exit
 * even when something in the group ignores signals for a while.
 */
export class GroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly buffer = new ReadBuffer();
  private finished = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly parameters: GroupStdioParameters) {}

  /** The server's process id, which is also its process group's. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error("already started");
    const { command, args, env, cwd } = this.parameters;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"], detached: true });
      this.child = child;
      child.once("spawn", () => resolve());
      child.once("error", (error) => {
        reject(error);
        this.finish();
      });
      child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
      child.stderr.on("data", (chunk: Buffer) => this.parameters.onStderr?.(chunk));
      for (const stream of [child.stdin, child.stdout, child.stderr])
        stream.on("error", (error) => this.onerror?.(error));
      // The server itself ended: what it left running in its group goes too.
      child.once("exit", () => void this.stopGroup(false));
      child.once("close", () => this.finish());
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.finished || !stdin.writable) return Promise.reject(new Error("not connected"));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }

  /** Stops the server and everything in its group; resolves once the group is gone or was SIGKILLed. */
  async close(): Promise<void> {
    try {
      this.child?.stdin.end();
    } catch {
      // The pipe is already closed.
    }
    await this.stopGroup(true);
  }

  /**
   * SIGTERM to the group, SIGKILL after the grace period. `letGo` destroys the
   * pipes at once (close); after the server exited by itself they are left to
   * deliver what it wrote last, and let go when the grace period ends.
   */
  private stopGroup(letGo: boolean): Promise<void> {
    const child = this.child;
    const group = child?.pid;
    if (!child || group === undefined) {
      this.finish();
      return Promise.resolve();
    }
    const releasePipes = () => {
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
      child.unref();
      this.finish();
    };
    this.stopping ??= new Promise<void>((resolve) => {
      killProcessGroup(group, "SIGTERM");
      const deadline = Date.now() + KILL_GRACE_MS;
      const poll = () => {
        const gone = !groupIsAlive(group);
        // Not unreferenced: the wait is bounded, and `await close()` must get its answer before tacit exits.
        if (!gone && Date.now() < deadline) return void setTimeout(poll, POLL_MS);
        if (!gone) {
          killProcessGroup(group, "SIGKILL");
          releasePipes();
        }
        resolve();
      };
      poll();
    });
    // Nothing of the server may keep tacit alive once it is closed.
    if (letGo) releasePipes();
    return this.stopping;
  }

  private receive(chunk: Buffer): void {
    try {
      this.buffer.append(chunk);
      for (let message = this.buffer.readMessage(); message; message = this.buffer.readMessage())
        this.onmessage?.(message);
    } catch (error) {
      // A line that is not JSON-RPC: reported, and the connection goes on with the next one.
      this.buffer.clear();
      this.onerror?.(error as Error);
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onclose?.();
  }
}
