import type { AskPermission, PermissionAnswer, PermissionRequest } from "./host.ts";

export interface PendingPermission {
  id: number;
  request: PermissionRequest;
}

/**
 * Connects the host's permission gate (which calls ask from inside the loop)
 * to the React tree (which shows one question at a time). Requests that arrive
 * together wait in order; an aborted request is answered "deny" so the gate
 * never hangs.
 */
export class PermissionBridge {
  private queue: Array<PendingPermission & { resolve(answer: PermissionAnswer): void }> = [];
  private listeners = new Set<() => void>();
  private nextId = 1;

  readonly ask: AskPermission = (request, signal) =>
    new Promise<PermissionAnswer>((resolve) => {
      if (signal?.aborted) return resolve({ decision: "deny", reason: "interrupted" });
      const id = this.nextId++;
      this.queue.push({ id, request, resolve });
      signal?.addEventListener("abort", () => this.answer(id, { decision: "deny", reason: "interrupted" }), {
        once: true,
      });
      this.changed();
    });

  current(): PendingPermission | undefined {
    const first = this.queue[0];
    return first ? { id: first.id, request: first.request } : undefined;
  }

  answer(id: number, answer: PermissionAnswer): void {
    const index = this.queue.findIndex((entry) => entry.id === id);
    if (index === -1) return;
    const [entry] = this.queue.splice(index, 1);
    entry!.resolve(answer);
    this.changed();
  }

  /** On exit: nobody is left to answer, so everything still asked is denied. */
  denyAll(reason: string): void {
    for (const entry of this.queue.splice(0)) entry.resolve({ decision: "deny", reason });
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
