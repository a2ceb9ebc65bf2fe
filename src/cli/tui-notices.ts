/**
 * The run's warnings as the TUI's notices. Bootstrap collects every warning in
 * Runtime.warnings; many arrive after the first frame (an MCP server that did
 * not start, the answer "don't trust", a server that stopped mid-session), so
 * the TUI subscribes: what is there is shown at once, what comes later as it
 * comes, each line once.
 */
export interface NoticeFeed {
  /** Shows the warnings not shown yet, then each new one; returns the unsubscribe. */
  subscribe(show: (text: string) => void): () => void;
  /** Called when a warning joined the list. */
  changed(): void;
  /**
   * Runs work whose warnings the caller reports itself (the answer to /model):
   * they come back as `added` and are not shown a second time as notices.
   */
  reportedBy<T>(work: () => T): { value: T; added: string[] };
}

export function noticeFeed(warnings: readonly string[]): NoticeFeed {
  let shown = 0;
  let quiet = 0;
  let listener: ((text: string) => void) | undefined;
  const flush = () => {
    if (!listener || quiet > 0) return;
    while (shown < warnings.length) listener(warnings[shown++] as string);
  };
  return {
    subscribe(show) {
      listener = show;
      flush();
      return () => {
        if (listener === show) listener = undefined;
      };
    },
    changed: flush,
    reportedBy(work) {
      // What is waiting now is still shown; what the work adds is the caller's to report.
      flush();
      const from = warnings.length;
      quiet++;
      try {
        return { value: work(), added: warnings.slice(from) };
      } finally {
        quiet--;
        shown = warnings.length;
      }
    },
  };
}
