/**
 * The permission modes, named once for every layer: settings validate against
 * this list, the command line parses it, the gate enforces it, the TUI cycles it.
 */
export const permissionModes = ["default", "accept-edits", "plan", "bypass"] as const;
export type PermissionMode = (typeof permissionModes)[number];

/** Claude Code's spellings of the modes, accepted wherever a mode is named, so its settings work unchanged. */
export const permissionModeAliases: Readonly<Record<string, PermissionMode>> = {
  acceptEdits: "accept-edits",
  bypassPermissions: "bypass",
};

export function isPermissionMode(value: string): value is PermissionMode {
  return (permissionModes as readonly string[]).includes(value);
}

/**
 * The mode Shift+Tab moves to: default → accept-edits → plan → default. Bypass
 * is left out of the cycle (it must be chosen explicitly, --permission-mode
 * bypass or --yolo) and leaving it goes back to default.
 */
export function nextPermissionMode(mode: PermissionMode): PermissionMode {
  if (mode === "default") return "accept-edits";
  if (mode === "accept-edits") return "plan";
  return "default";
}

/** What the permission gate answers for one tool call; a refusal's reason is told to the model. */
export type PermissionDecision =
  | {
      allowed: true;
      /** One line for the user about the answer (an "allow always" rule that could not be saved). */
      notice?: string;
    }
  | { allowed: false; reason: string };

/**
 * What a PreToolUse hook said about a call the permission gate then judges:
 * "allow" counts as an allow rule for this one call, "ask" makes the gate ask
 * even where it would allow (agent/permission-gate.ts). A hook's "deny" never
 * reaches the gate: the call is refused before it.
 */
export type HookPermission = "allow" | "ask";
