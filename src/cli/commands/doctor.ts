import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import { BUILTIN_PROVIDERS } from "../../config/builtin-providers.ts";
import { gitTracking } from "../../config/git-tracked.ts";
import { findProjectRoot, tacitHome } from "../../config/paths.ts";
import { type LoadedSettings, type Settings, settingsFiles } from "../../config/settings.ts";
import { errorMessage } from "../../core/errors.ts";
import { probeSandbox } from "../../sandbox/availability.ts";
import { resolveSandboxPolicy } from "../../sandbox/policy.ts";
import { findRipgrep } from "../../tools/grep-ripgrep.ts";
import { loadJudgedSettings, repositoryShellRulesNote } from "../judged-settings.ts";

type Status = "ok" | "warn" | "fail";
interface Check {
  status: Status;
  name: string;
  detail: string;
}

const MINIMUM_NODE_MAJOR = 22;

/**
 * `tacit doctor`: one line per check (ok, warn or fail) on what tacit relies
 * on here. Exits 1 only when something is broken (a fail); a warn is
 * something that works less well (no ripgrep, no sandbox, a key not set).
 * Key values are never printed, only whether their variable is set.
 */
export async function doctorCommand(): Promise<void> {
  const env = process.env;
  const cwd = process.cwd();
  const projectRoot = findProjectRoot(cwd);
  const home = tacitHome(env);
  const checks: Check[] = [checkNode(), checkGit(), checkRipgrep(), checkTacitHome(home)];
  let settings: Settings = {};
  let repositoryAllow: string[] = [];
  try {
    // The loader a run uses (bootstrap.ts), so the trust decisions shown are the ones a run makes.
    const userHome = env.HOME ?? homedir();
    const loaded = await loadJudgedSettings({ cwd, projectRoot, home, env, userHome });
    settings = loaded.settings;
    repositoryAllow = loaded.repositoryAllow;
    checks.push(...settingsFileChecks(home, projectRoot, loaded));
    for (const warning of loaded.warnings) checks.push({ status: "warn", name: "settings", detail: warning });
  } catch (error) {
    checks.push({ status: "fail", name: "settings", detail: errorMessage(error) });
  }
  const sandbox = await checkSandbox(settings, projectRoot, home, env);
  checks.push(sandbox);
  // As a run says it: without a working sandbox the repository's shell rules ask.
  const unconfinedNote = sandbox.status === "ok" ? undefined : repositoryShellRulesNote(repositoryAllow);
  if (unconfinedNote) checks.push({ status: "warn", name: "permissions", detail: unconfinedNote });
  checks.push(...providerChecks(settings, env));
  const width = Math.max(...checks.map((check) => check.name.length));
  for (const check of checks) {
    process.stdout.write(`${check.status.padEnd(4)}  ${check.name.padEnd(width)}  ${check.detail}\n`);
  }
  if (checks.some((check) => check.status === "fail")) process.exitCode = 1;
}

function checkNode(): Check {
  const major = Number(process.versions.node.split(".")[0]);
  return major >= MINIMUM_NODE_MAJOR
    ? { status: "ok", name: "node", detail: `v${process.versions.node}` }
    : {
        status: "fail",
        name: "node",
        detail: `v${process.versions.node}; tacit needs ${MINIMUM_NODE_MAJOR} or newer`,
      };
}

function checkGit(): Check {
  try {
    const version = execFileSync("git", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return { status: "ok", name: "git", detail: version.trim() };
  } catch {
    return { status: "fail", name: "git", detail: "not found on PATH: memory history (log, undo) needs git" };
  }
}

function checkRipgrep(): Check {
  const ripgrep = findRipgrep();
  return ripgrep
    ? { status: "ok", name: "ripgrep", detail: ripgrep }
    : { status: "warn", name: "ripgrep", detail: "not found on PATH: Grep uses its slower built-in search" };
}

function checkTacitHome(home: string): Check {
  if (!existsSync(home))
    return { status: "ok", name: "TACIT_HOME", detail: `${home} (created on first run)` };
  try {
    accessSync(home, constants.W_OK);
    return { status: "ok", name: "TACIT_HOME", detail: home };
  } catch {
    return { status: "fail", name: "TACIT_HOME", detail: `${home} is not writable` };
  }
}

/** Each settings file tacit would read here, whether it exists, and how far the loader trusted it. */
function settingsFileChecks(home: string, projectRoot: string, loaded: LoadedSettings): Check[] {
  return settingsFiles(home, projectRoot).map((file) => {
    const at = loaded.sources.indexOf(file);
    if (at < 0) return { status: "ok", name: "settings", detail: `${file}: absent` };
    const trust = loaded.trust[at];
    const isLocalFile = file.endsWith("settings.local.json");
    // The loader's own verdict (git asked, as in a run), in its words: see settings-trust.ts.
    const detail =
      trust === "user"
        ? "user (trusted)"
        : trust === "local"
          ? "local, yours (tacit wrote it or you accepted it with tacit trust)"
          : isLocalFile
            ? `local but ${gitTracking(projectRoot, file).state === "tracked" ? "tracked by git" : "not yours until you run tacit trust (tacit did not write it as it is)"}: trusted only as far as the shared file`
            : "project shared (cannot widen permissions, providers or the sandbox)";
    return {
      status: trust === "repository" && isLocalFile ? "warn" : "ok",
      name: "settings",
      detail: `${file}: in force, ${detail}`,
    };
  });
}

async function checkSandbox(
  settings: Settings,
  projectRoot: string,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<Check> {
  const policy = resolveSandboxPolicy({ settings: settings.sandbox, projectRoot, tacitHome: home, env });
  // A real start, never a remembered one: the user asked for a check.
  const availability = await probeSandbox(env, { fresh: true });
  if (!availability.available) {
    return {
      status: "warn",
      name: "sandbox",
      detail: `unavailable: ${availability.reason}; shell commands ask instead`,
    };
  }
  const tool = `${availability.kind} (${availability.binary})`;
  if (!policy)
    return { status: "warn", name: "sandbox", detail: `available (${tool}) but turned off by settings` };
  const autoAllow =
    settings.sandbox?.autoAllow === false ? "commands ask" : "uncovered commands run without asking";
  const network = policy.network ? "network on" : "network off";
  return { status: "ok", name: "sandbox", detail: `${tool}: ${policy.mode}, ${network}, ${autoAllow}` };
}

function providerChecks(settings: Settings, env: NodeJS.ProcessEnv): Check[] {
  const builtIn = BUILTIN_PROVIDERS.filter((provider) => provider.keyVariables.length > 0).map((provider) =>
    keyCheck(provider.name, provider.keyVariables, env),
  );
  const custom = Object.entries(settings.providers ?? {}).map(([provider, entry]) => {
    if (entry.apiKeyEnv) return keyCheck(provider, [entry.apiKeyEnv], env);
    const source = entry.apiKey ? "key in the settings file" : "no key";
    return { status: "ok" as const, name: `provider ${provider}`, detail: `${entry.baseURL} (${source})` };
  });
  return [...builtIn, ...custom];
}

function keyCheck(provider: string, names: readonly string[], env: NodeJS.ProcessEnv): Check {
  const set = names.find((name) => env[name]?.trim());
  return set
    ? { status: "ok", name: `provider ${provider}`, detail: `${set} is set` }
    : { status: "warn", name: `provider ${provider}`, detail: `${names.join(" or ")} not set` };
}
