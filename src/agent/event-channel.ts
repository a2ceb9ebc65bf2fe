/**
 * A queue that one side pushes to (a callback, like a tool's `emit`) and the
 * other reads as an async iterable until it is closed: how events a tool
 * reports while it runs become values an async generator can yield in order.
 */
export class EventChannel<T> {
  private readonly buffered: T[] = [];
  private waiting: (() => void) | undefined;
  private closed = false;

  push(value: T): void {
    if (this.closed) return;
    this.buffered.push(value);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  async *drain(): AsyncGenerator<T> {
    while (true) {
      while (this.buffered.length > 0) yield this.buffered.shift() as T;
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
