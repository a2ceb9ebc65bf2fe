import { UserFacingError } from "../core/errors.ts";
import { traceStartup } from "../core/startup-trace.ts";
import { printStderrLine } from "../core/terminal-safe.ts";
import type { AskPermission, TuiHost, TuiInfo } from "../modes/tui/host.ts";
import { loadLayoutEngine } from "../modes/tui/layout-engine.ts";
import type { Runtime } from "./bootstrap.ts";
import type { RunOptions } from "./options.ts";
import { writeCodeCachesNow } from "./print-bundle-loader.ts";

/**
 * `tacit` without -p: the interactive UI over the same runtime headless runs
 * use. The prompt is drawn first; settings, the database, memory and the model
 * load right after, behind it, so the user can start typing at once. Only this
 * path imports the TUI (Ink and React); -p never loads it.
 */
export async function runInteractive(options: RunOptions, version: string): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UserFacingError('no terminal for the interactive UI; use -p for headless mode (tacit -p "…")');
  }
  // Ink's layout engine is WebAssembly (modes/tui/layout-engine.ts): it compiles while Ink's modules
  // load, and is ready before the runtime starts loading behind the first frame, so the two do not
  // compete for the thread that draws it.
  const layoutEngine = loadLayoutEngine();
  const [{ runTui }, customCommands] = await Promise.all([
    import("../modes/tui/run-tui.ts"),
    loadTuiCustomCommands(),
    layoutEngine,
  ]);
  traceStartup("TUI module loaded");

  let registeredAsk: AskPermission | undefined;
  let runtime: Runtime | undefined;
  // Shown as notices once started; if start-up fails, printed before its error (the TUI is gone by then).
  const startupWarnings: string[] = [];
  let warningRaised = () => {};
  const start = async (): Promise<TuiHost> => {
    const [
      { bootstrap },
      { createTuiHost },
      { createPermissionForwarder },
      { findProjectRoot, tacitHome },
      { noticeFeed },
    ] = await Promise.all([
      import("./bootstrap.ts"),
      import("./tui-host.ts"),
      import("./tui-permissions.ts"),
      import("../config/paths.ts"),
      import("./tui-notices.ts"),
    ]);
    const permissions = createPermissionForwarder(findProjectRoot(process.cwd()), tacitHome());
    if (registeredAsk) permissions.register(registeredAsk);
    runtime = await bootstrap({
      options,
      ask: permissions.ask,
      persistRule: permissions.persistRule,
      onWarning: (warning) => {
        startupWarnings.push(warning);
        // Raised after start-up (an MCP server, the trust answer): shown in the TUI as it comes.
        warningRaised();
      },
      askRepositoryTrust: async (commands) => {
        if (!registeredAsk) throw new Error("the interactive UI is not ready to ask");
        const answer = await registeredAsk({
          kind: "repository-trust",
          toolName: "repository trust",
          summary: "This repository names commands that would run as you, with your files:",
          detail: commands.join("\n"),
        });
        return answer.decision === "allow-always"
          ? "always"
          : answer.decision === "allow-once"
            ? "once"
            : "no";
      },
    });
    traceStartup("bootstrapped");
    const notices = noticeFeed(runtime.warnings);
    warningRaised = notices.changed;
    // The user is still typing: the MCP servers can start now, with nothing to compete with.
    runtime.mcp.start();
    const started = runtime;
    const { hookNoticeLines } = await import("../agent/hooks/agent-hooks.ts");
    const source = options.continueLatest || options.resume ? "resume" : "startup";
    // What SessionStart hooks report joins the start-up notices; what they print waits for the first request.
    started.warnings.push(...hookNoticeLines(await started.hooks?.sessionStarted(source)));
    started.warnings.push(...customCommands.catalog.warnings);
    const { reflectInBackground } = await import("./reflection-trigger.ts");
    return createTuiHost({
      runtime,
      options,
      savedRules: permissions.savedRules,
      customCommands: customCommands.catalog.commands,
      reflect: (sessionId) => reflectInBackground(started, sessionId, options),
      notices,
    });
  };
  // setImmediate: the first frame is written before the runtime's modules start loading.
  const pending = new Promise<TuiHost>((resolve, reject) =>
    setImmediate(() => start().then(resolve, reject)),
  );
  // Started well: the code cache is written now, not only at a clean exit (print-bundle-loader.ts).
  pending.then(
    () => setImmediate(writeCodeCachesNow),
    () => undefined,
  );
  // What the footer shows until the runtime has loaded: what the command line said.
  const placeholder: TuiInfo = {
    model: options.model ?? "",
    permissionMode: options.permissionMode ?? "default",
    contextWindow: 0,
    contextUsedTokens: 0,
    sessionCostUsd: 0,
    sessionId: "",
    cwd: process.cwd(),
  };
  try {
    await runTui(
      { placeholder, ready: pending },
      {
        registerAsk: (ask) => {
          registeredAsk = ask;
        },
        ...(options.prompt ? { initialPrompt: options.prompt } : {}),
        version,
        customCommands: customCommands.slash,
      },
    );
  } catch (error) {
    if (!runtime) for (const warning of startupWarnings) printStderrLine(`warning: ${warning}`);
    throw error;
  } finally {
    // Quitting before the runtime finished loading: wait for it, then close it,
    // so its database and background work do not outlive the TUI.
    if (!runtime) await pending.catch(() => undefined);
    if (runtime) await reflectOnExit(runtime, options);
    if (runtime?.hooks) {
      const { hookNoticeLines } = await import("../agent/hooks/agent-hooks.ts");
      const ended = await runtime.hooks.sessionEnded("prompt_input_exit");
      for (const line of hookNoticeLines(ended)) printStderrLine(`warning: ${line}`);
    }
    runtime?.close();
  }
}

/** The session the TUI ends with is reflected on in the background; the line stays under the resume line. */
async function reflectOnExit(runtime: Runtime, options: RunOptions): Promise<void> {
  // Loaded here, not at the top: the first frame must not wait for it.
  const { reflectAtExit } = await import("./reflection-trigger.ts");
  reflectAtExit(runtime, runtime.session.sessionId, options, {
    notice: (text) => process.stdout.write(`${text}\n`),
    warning: (text) => printStderrLine(`warning: ${text}`),
  });
}

/** The custom slash commands, read before the first frame so /help and completion list them at once. */
async function loadTuiCustomCommands() {
  const [{ customCommandsOf }, { customSlashCommands }, { findProjectRoot, tacitHome }] = await Promise.all([
    import("./custom-commands-wiring.ts"),
    import("../modes/tui/custom-slash-commands.ts"),
    import("../config/paths.ts"),
  ]);
  const catalog = await customCommandsOf({ projectRoot: findProjectRoot(process.cwd()), home: tacitHome() });
  return { catalog, slash: customSlashCommands(catalog.commands) };
}
