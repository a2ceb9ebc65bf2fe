import { z } from "zod";
import { EFFORTS } from "../core/effort.ts";
import { permissionModeAliases, permissionModes } from "../core/permission-mode.ts";
import { hooksSettingsSchema } from "./hooks-schema.ts";

/*
 * Every object is loose: keys this version does not know are kept (and
 * ignored), so a settings file written for a newer tacit still loads here.
 *
 * The schemas are made at their first use, not when this module loads: a
 * start with no settings file never parses one, and making them costs about
 * 2 ms of zod's object building before the first request (measured).
 */

export const permissionLists = ["allow", "deny", "ask"] as const;
export type PermissionList = (typeof permissionLists)[number];

function buildSettingsSchemas() {
  const ruleList = z.array(z.string().min(1, "a rule must not be empty"));

  const permissionsSchema = z.looseObject({
    allow: ruleList.optional(),
    deny: ruleList.optional(),
    ask: ruleList.optional(),
    // Read in either spelling and kept in tacit's, so every later check (a repository's bypass) sees one word.
    defaultMode: z
      .preprocess(
        (value) => (typeof value === "string" ? (permissionModeAliases[value] ?? value) : value),
        z.enum(permissionModes),
      )
      .optional(),
  });

  const positiveInteger = z.number().int().positive();

  const providerModelSchema = z.looseObject({
    contextWindow: positiveInteger.optional(),
    maxOutputTokens: positiveInteger.optional(),
  });

  /** An extra endpoint (e.g. an OpenAI-compatible server) usable as `--model <name>/<model-id>`. */
  const providerSettingsSchema = z.looseObject({
    baseURL: z.string().min(1, "baseURL must not be empty"),
    /** Name of the environment variable holding the key (preferred over apiKey, which sits in a file). */
    apiKeyEnv: z.string().min(1).optional(),
    apiKey: z.string().optional(),
    api: z.enum(["chat", "responses"]).optional(),
    models: z.record(z.string(), providerModelSchema).optional(),
  });

  const memorySettingsSchema = z.looseObject({
    enabled: z.boolean().optional(),
    recall: z.boolean().optional(),
    scopes: z
      .looseObject({
        user: z.boolean().optional(),
        project: z.boolean().optional(),
        local: z.boolean().optional(),
      })
      .optional(),
    indexTokenBudget: positiveInteger.optional(),
    recallTokenBudget: positiveInteger.optional(),
    /**
     * "provider/model-id" of an embedding model (e.g. "openai/text-embedding-3-small");
     * when set, recall fuses meaning with the lexical search. Absent: lexical only.
     */
    embeddingModel: z.string().min(1, "embeddingModel must not be empty").optional(),
    /**
     * Sync through the user's own git remote (README "Sync"): `remote` is any git URL or path,
     * `auto` (default true) pulls at start and pushes after changes. Only the user's own
     * ~/.tacit/settings.json may set it (settings-trust.ts).
     */
    sync: z
      .looseObject({
        remote: z.string().min(1, "memory.sync.remote must not be empty").optional(),
        auto: z.boolean().optional(),
      })
      .optional(),
    /** `tacit memory doctor` reports memories older than this many days and not recalled in them (default 60). */
    unusedDays: positiveInteger.optional(),
    /** A memory neither recalled nor updated for this many days leaves the always-in-context index (default 90). */
    decayDays: positiveInteger.optional(),
  });

  /** Learning after a session (README "Reflection"): what reflection may do and with which model. */
  const reflectionSettingsSchema = z.looseObject({
    /** Reflect on each session after it ends (default true); `--no-reflect` turns it off for one run. */
    enabled: z.boolean().optional(),
    /** "provider/model-id" reflection runs on (default: the session's model); a cheaper one is common. */
    model: z.string().min(1, "reflection.model must not be empty").optional(),
    /** Sessions with fewer user turns than this are not reflected on. */
    minUserTurns: positiveInteger.optional(),
    /** Which scopes' changes wait in the inbox for review: project (default), all, or none. */
    review: z.enum(["project", "all", "none"]).optional(),
    /** Minutes the TUI sits idle before the session so far is reflected on. */
    idleMinutes: positiveInteger.optional(),
    /** Record what the agent leaves in files it writes and teach reflection the user's later edits (default true). */
    learnFromEdits: z.boolean().optional(),
  });

  /** The OS sandbox under the shell tools (README "Sandbox"); a repository's settings may only narrow it. */
  const sandboxModes = ["workspace-write", "read-only", "off"] as const;
  const sandboxSettingsSchema = z.looseObject({
    mode: z.enum(sandboxModes).optional(),
    /** Network access for sandboxed commands; off by default. */
    network: z.boolean().optional(),
    /** Extra writable folders (absolute, `~/…`, or relative to the project). */
    writablePaths: z.array(z.string().min(1)).optional(),
    /** Extra paths sandboxed commands cannot read, besides the well-known credential folders. */
    hiddenPaths: z.array(z.string().min(1)).optional(),
    /** Environment variables sandboxed commands do not get, besides the model keys tacit uses. */
    hiddenEnv: z.array(z.string().min(1)).optional(),
    /** Run sandboxed commands that no rule covers without asking (default true). */
    autoAllow: z.boolean().optional(),
  });

  /**
   * MCP servers tacit uses (README "MCP servers"): each entry in Claude Code's shape, read and checked by
   * config/mcp-servers.ts, which knows each file's origin (a repository's servers wait for `tacit trust`).
   */
  const mcpServersSchema = z.record(z.string(), z.unknown());
  /**
   * How tacit treats MCP servers, and tacit as an MCP memory server (README "MCP servers", "tacit as an MCP
   * memory server"); honoured only from the user's own ~/.tacit/settings.json.
   */
  const mcpSettingsSchema = z.looseObject({
    serve: z.looseObject({ review: z.enum(["project", "all", "none"]).optional() }).optional(),
    /** Let a tool the server marks readOnlyHint run without asking, as a read does (default false). */
    trustReadOnlyHints: z.boolean().optional(),
    /** Seconds a server may take to start and list its tools before it is reported and left out (default 30). */
    startupTimeoutSeconds: positiveInteger.optional(),
    /** Seconds one tool call may take before it answers with an error (default 300). */
    callTimeoutSeconds: positiveInteger.optional(),
  });

  const settings = z.looseObject({
    /** "provider/model-id", e.g. "anthropic/claude-sonnet-5". */
    model: z.string().min(1, "model must not be empty").optional(),
    /** Reasoning effort for models that reason (README "Reasoning effort"). */
    effort: z.enum(EFFORTS).optional(),
    permissions: permissionsSchema.optional(),
    providers: z.record(z.string(), providerSettingsSchema).optional(),
    /** Per model ("provider/model-id"): `vision` says whether it takes images, over the provider's word and the catalog. */
    models: z.record(z.string(), z.looseObject({ vision: z.boolean().optional() })).optional(),
    memory: memorySettingsSchema.optional(),
    maxTurns: positiveInteger.optional(),
    /** Extra instruction files read into the system prompt, besides AGENTS.md and CLAUDE.md. */
    instructionFiles: z.array(z.string().min(1)).optional(),
    sandbox: sandboxSettingsSchema.optional(),
    reflection: reflectionSettingsSchema.optional(),
    /** Commands run at points of a session, in Claude Code's format (hooks-schema.ts; a repository's only once trusted). */
    hooks: hooksSettingsSchema().optional(),
    mcpServers: mcpServersSchema.optional(),
    mcp: mcpSettingsSchema.optional(),
  });
  return { settings, provider: providerSettingsSchema, sandbox: sandboxSettingsSchema };
}

let built: ReturnType<typeof buildSettingsSchemas> | undefined;

/** The schema of a settings file, made at its first use. */
export function settingsSchema(): ReturnType<typeof buildSettingsSchemas>["settings"] {
  built ??= buildSettingsSchemas();
  return built.settings;
}

type Schemas = ReturnType<typeof buildSettingsSchemas>;
export type Settings = z.infer<Schemas["settings"]>;
export type ProviderSettings = z.infer<Schemas["provider"]>;
export type SandboxSettings = z.infer<Schemas["sandbox"]>;
