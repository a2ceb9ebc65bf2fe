import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrap } from "../../src/cli/bootstrap.ts";
import { parseRunOptions } from "../../src/cli/options.ts";
import { createTuiHost } from "../../src/cli/tui-host.ts";
import { projectStateDirectory } from "../../src/config/paths.ts";
import { createWorkspace, type Workspace } from "../e2e/harness.ts";

describe("/model and /effort are kept per project", () => {
  let workspace: Workspace;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    workspace = createWorkspace();
    env = {
      TACIT_HOME: workspace.home,
      HOME: workspace.userHome,
      ANTHROPIC_API_KEY: "test-key",
      OPENAI_API_KEY: "test-key",
    };
  });
  afterEach(() => workspace.cleanup());

  async function start(raw: Record<string, unknown> = {}) {
    const options = parseRunOptions(raw, undefined);
    const runtime = await bootstrap({ options, cwd: workspace.project, env });
    return { runtime, host: createTuiHost({ runtime, options, env }) };
  }

  it("the next session starts on the last /model, unless --model says otherwise; settings come after", async () => {
    mkdirSync(workspace.home, { recursive: true });
    writeFileSync(path.join(workspace.home, "settings.json"), JSON.stringify({ model: "openai/gpt-5.4" }));
    const first = await start();
    expect(first.host.info().model).toBe("openai/gpt-5.4");
    // A retiring model is allowed, with its successor named once per run.
    expect(await first.host.switchModel("anthropic/claude-sonnet-4-5")).toBe(
      "anthropic/claude-sonnet-4-5 is deprecated (retired by anthropic on 2026-11-30); use anthropic/claude-sonnet-5 instead",
    );
    expect(await first.host.switchModel("anthropic/claude-sonnet-4-5")).toBeUndefined();
    expect(await first.host.switchModel("anthropic/claude-opus-5")).toBeUndefined();
    first.runtime.close();

    // Kept under ~/.tacit, not in the repository.
    const saved = path.join(projectStateDirectory(workspace.home, workspace.project), "choices.json");
    expect(JSON.parse(readFileSync(saved, "utf8"))).toEqual({ model: "anthropic/claude-opus-5" });

    const second = await start();
    expect(second.host.info().model).toBe("anthropic/claude-opus-5");
    second.runtime.close();

    const flagged = await start({ model: "openai/gpt-5.5" });
    expect(flagged.host.info().model).toBe("openai/gpt-5.5");
    flagged.runtime.close();
  });

  it("/effort applies at once and is the next session's effort; --effort wins", async () => {
    const first = await start({ model: "anthropic/claude-sonnet-5" });
    expect(first.host.effort()).toBeUndefined();
    expect(await first.host.setEffort("low")).toBeUndefined();
    expect(first.host.effort()).toBe("low");
    await expect(first.host.setEffort("loud")).rejects.toThrow(
      /\/effort must be one of minimal, low, medium, high/,
    );
    // A model without reasoning says so in one line.
    await first.host.switchModel("anthropic/claude-3-haiku");
    expect(await first.host.setEffort("high")).toContain("--effort high is ignored");
    first.runtime.close();

    const second = await start();
    expect(second.runtime.effort()).toBe("high");
    second.runtime.close();
    const flagged = await start({ effort: "minimal" });
    expect(flagged.runtime.effort()).toBe("minimal");
    flagged.runtime.close();
  });
});
