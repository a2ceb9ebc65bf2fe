import { describe, expect, it } from "vitest";
import { createDeferredHost } from "../../src/cli/deferred-host.ts";
import type { AgentEvent } from "../../src/core/events.ts";
import type { PermissionMode } from "../../src/core/permission-mode.ts";
import type { TuiHost, TuiInfo } from "../../src/modes/tui/host.ts";

const placeholder: TuiInfo = {
  model: "",
  permissionMode: "default",
  contextWindow: 0,
  contextUsedTokens: 0,
  sessionCostUsd: 0,
  sessionId: "",
  cwd: "/repo",
};

function realHost(log: string[]): TuiHost {
  let mode: PermissionMode = "default";
  return {
    async *submit(prompt: string): AsyncIterable<AgentEvent> {
      log.push(`submit ${prompt}`);
      yield { type: "text-delta", text: "hi" };
    },
    info: () => ({
      ...placeholder,
      model: "anthropic/claude-sonnet-4-5",
      permissionMode: mode,
      contextWindow: 200_000,
    }),
    setPermissionMode: (next) => {
      mode = next;
      log.push(`mode ${next}`);
    },
    listModels: () => ["anthropic/claude-sonnet-4-5"],
    switchModel: async () => {},
    newSession: async () => {},
    listSessions: async () => [],
    resumeSession: async () => [],
    compact: async () => "compacted",
    cost: () => "$0.00",
    permissionsSummary: () => "default",
    exportSession: async () => "/tmp/x.jsonl",
    history: { load: async () => ["earlier"], append: async () => {} },
    listFiles: async () => ["src/a.ts"],
  };
}

describe("the deferred TUI host", () => {
  it("answers from the placeholder, then from the real host once it is ready", async () => {
    const log: string[] = [];
    let resolve!: (host: TuiHost) => void;
    const host = createDeferredHost(new Promise((done) => (resolve = done)), placeholder);
    expect(host.info().model).toBe("");
    host.setPermissionMode("plan");
    expect(host.info().permissionMode).toBe("plan");

    // Work asked for before the runtime exists waits for it.
    const submitted = (async () => {
      const events: AgentEvent[] = [];
      for await (const event of host.submit("go", new AbortController().signal))
        events.push(event as AgentEvent);
      return events;
    })();
    const history = host.history.load();
    resolve(realHost(log));
    await host.ready;

    expect(await submitted).toEqual([{ type: "text-delta", text: "hi" }]);
    expect(await history).toEqual(["earlier"]);
    expect(log).toEqual(["mode plan", "submit go"]);
    expect(host.info()).toMatchObject({ model: "anthropic/claude-sonnet-4-5", permissionMode: "plan" });
    expect(host.listModels()).toEqual(["anthropic/claude-sonnet-4-5"]);
  });

  it("rejects ready, and every waiting call, when the runtime cannot start", async () => {
    const host = createDeferredHost(
      Promise.reject(new Error("no API key for anthropic: set ANTHROPIC_API_KEY")),
      placeholder,
    );
    await expect(host.ready).rejects.toThrow(/ANTHROPIC_API_KEY/);
    await expect(host.compact()).rejects.toThrow(/ANTHROPIC_API_KEY/);
    expect(host.cost()).toMatch(/starting/i);
  });

  it("says so when memory is off for the run", async () => {
    const host = createDeferredHost(Promise.resolve(realHost([])), placeholder);
    const early = host.memory;
    await host.ready;
    await expect(early?.list()).rejects.toThrow(/memory is off/);
    expect(host.memory).toBeUndefined();
  });
});
