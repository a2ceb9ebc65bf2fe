import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrap } from "../../src/cli/bootstrap.ts";
import { parseRunOptions } from "../../src/cli/options.ts";
import { createTuiHost } from "../../src/cli/tui-host.ts";
import { projectStateDirectory } from "../../src/config/paths.ts";
import { resolveTarget } from "../../src/providers/resolve.ts";
import { createWorkspace, type Workspace } from "../e2e/harness.ts";

let workspace: Workspace;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  workspace = createWorkspace();
  env = {
    TACIT_HOME: workspace.home,
    HOME: workspace.userHome,
    ANTHROPIC_API_KEY: "test-key",
    OPENAI_API_KEY: "test-key",
    GEMINI_API_KEY: "test-key",
  };
});
afterEach(() => workspace.cleanup());

/** A run's start as the TUI makes it, with this test's env (and more for this run only). */
async function start(raw: Record<string, unknown> = {}, extraEnv: NodeJS.ProcessEnv = {}) {
  const options = parseRunOptions(raw, undefined);
  const runEnv = { ...env, ...extraEnv };
  const runtime = await bootstrap({ options, cwd: workspace.project, env: runEnv });
  return { runtime, host: createTuiHost({ runtime, options, env: runEnv }) };
}

describe("/model and /effort are kept per project", () => {
  it("the next session starts on the last /model, unless --model says otherwise; settings come after", async () => {
    mkdirSync(workspace.home, { recursive: true });
    writeFileSync(path.join(workspace.home, "settings.json"), JSON.stringify({ model: "openai/gpt-5.4" }));
    const first = await start();
    expect(first.host.info().model).toBe("openai/gpt-5.4");
    // A deprecated model not yet retired is allowed, with its successor named once per run.
    expect(await first.host.switchModel("google/gemini-3.5-flash")).toBe(
      "google/gemini-3.5-flash is deprecated; use google/gemini-3.8-flash instead",
    );
    expect(await first.host.switchModel("google/gemini-3.5-flash")).toBeUndefined();
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
    // The TUI puts "/effort: " before the error: the line does not say it again.
    await expect(first.host.setEffort("loud")).rejects.toThrow(
      /^the level must be one of minimal, low, medium, high, xhigh; got "loud"$/,
    );
    // A model without reasoning says so in one line, without naming a flag nobody passed.
    await first.host.switchModel("anthropic/claude-3-haiku");
    const ignored = await first.host.setEffort("high");
    expect(ignored).toContain("effort high is ignored");
    expect(ignored).not.toContain("--effort");
    first.runtime.close();

    const second = await start();
    expect(second.runtime.effort()).toBe("high");
    second.runtime.close();
    const flagged = await start({ effort: "minimal" });
    expect(flagged.runtime.effort()).toBe("minimal");
    flagged.runtime.close();
  });
});

describe("where a run's model comes from, and going back to settings", () => {
  beforeEach(() => {
    mkdirSync(workspace.home, { recursive: true });
    writeFileSync(
      path.join(workspace.home, "settings.json"),
      JSON.stringify({ model: "openai/gpt-5.4", effort: "medium" }),
    );
  });

  const choices = () =>
    JSON.parse(
      readFileSync(
        path.join(projectStateDirectory(workspace.home, workspace.project), "choices.json"),
        "utf8",
      ),
    );

  it("TACIT_MODEL and --model beat a saved /model; the saved one beats settings and says so at start", async () => {
    const first = await start();
    expect(first.runtime.notes).toEqual([]);
    await first.host.switchModel("anthropic/claude-opus-5");
    await first.host.setEffort("high");
    first.runtime.close();

    const second = await start();
    expect(second.host.info().model).toBe("anthropic/claude-opus-5");
    expect(second.host.startupNotes?.()).toEqual([
      "Using model anthropic/claude-opus-5 (over settings' openai/gpt-5.4) and effort high (over settings' medium) from your last /model and /effort in this project; /model default and /effort default to go back to settings",
    ]);
    second.runtime.close();

    const fromEnv = await start({}, { TACIT_MODEL: "openai/gpt-5.5" });
    expect(fromEnv.host.info().model).toBe("openai/gpt-5.5");
    // /model still switches this run, and says the variable will pick the next start's model.
    expect(await fromEnv.host.switchModel("openai/gpt-5.4")).toBe(
      "TACIT_MODEL (openai/gpt-5.5) still picks the next start's model",
    );
    await fromEnv.host.switchModel("anthropic/claude-opus-5");
    // The model is the environment's; only the effort still comes from the saved choice.
    expect(fromEnv.runtime.notes).toEqual([
      "Using effort high (over settings' medium) from your last /effort in this project; /effort default to go back to settings",
    ]);
    fromEnv.runtime.close();

    const flagged = await start({ model: "openai/gpt-5.5", effort: "low" }, { TACIT_MODEL: "google/x" });
    expect(flagged.host.info().model).toBe("openai/gpt-5.5");
    expect(flagged.runtime.notes).toEqual([]);
    flagged.runtime.close();
  });

  it("/model default and /effort default forget the saved choice and go back to settings", async () => {
    const first = await start();
    await first.host.switchModel("anthropic/claude-opus-5");
    await first.host.setEffort("xhigh");
    expect(choices()).toEqual({ model: "anthropic/claude-opus-5", effort: "xhigh" });

    expect(await first.host.switchModel("default")).toBeUndefined();
    expect(first.host.info().model).toBe("openai/gpt-5.4");
    expect(choices()).toEqual({ effort: "xhigh" });
    expect(await first.host.setEffort("default")).toBeUndefined();
    expect(first.host.effort()).toBe("medium");
    expect(first.host.info().effort).toBe("medium");
    expect(choices()).toEqual({});
    first.runtime.close();

    const second = await start();
    expect(second.host.info().model).toBe("openai/gpt-5.4");
    expect(second.runtime.effort()).toBe("medium");
    expect(second.runtime.notes).toEqual([]);
    second.runtime.close();
  });

  it("/model warns about an id nobody knows, and refuses a retired model in one line", async () => {
    // No effort in settings: an unknown model would say it ignores it.
    writeFileSync(path.join(workspace.home, "settings.json"), JSON.stringify({ model: "openai/gpt-5.4" }));
    const host = (await start()).host;
    expect(await host.switchModel("anthropic/claude-sonnet-9-typo")).toBe(
      "anthropic/claude-sonnet-9-typo is not in tacit's catalog; check the id: `tacit models --provider anthropic` lists what anthropic serves",
    );
    // An id the provider listed (tacit models) is not questioned; one it did not list is.
    const baseURL = resolveTarget("anthropic/x", { env }).endpoint.baseURL;
    writeFileSync(
      path.join(workspace.home, "models-cache.json"),
      JSON.stringify({
        providers: {
          anthropic: { fetchedAt: new Date().toISOString(), baseURL, models: [{ id: "claude-internal-7" }] },
        },
      }),
    );
    expect(await host.switchModel("anthropic/claude-internal-7")).toBeUndefined();
    expect(await host.switchModel("anthropic/claude-sonnet-9-typo")).toContain(
      "is neither in tacit's catalog nor in anthropic's model list",
    );

    // claude-3-5-haiku was retired on 2026-02-19: every request would fail.
    await expect(host.switchModel("anthropic/claude-3-5-haiku")).rejects.toThrow(
      "anthropic/claude-3-5-haiku was retired on 2026-02-19; use anthropic/claude-haiku-4-5 instead",
    );
    expect(host.info().model).toBe("anthropic/claude-sonnet-9-typo");
    expect(choices().model).toBe("anthropic/claude-sonnet-9-typo");
  });
});
