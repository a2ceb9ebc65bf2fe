import type { SessionModeState } from "@agentclientprotocol/sdk";
import { isPermissionMode, type PermissionMode, permissionModes } from "../../core/permission-mode.ts";

const MODE_TEXT: Record<PermissionMode, { name: string; description: string }> = {
  default: { name: "Default", description: "Asks before edits and commands" },
  "accept-edits": {
    name: "Accept edits",
    description: "Edits in the project without asking; asks for commands",
  },
  plan: { name: "Plan", description: "Read-only: investigates and proposes, changes nothing" },
  bypass: { name: "Bypass", description: "No permission questions (deny rules still apply)" },
};

/**
 * tacit's permission modes as ACP session modes. Bypass is offered only when the user chose it
 * (`tacit acp --permission-mode bypass`, or defaultMode in their own settings): an editor's mode
 * menu must not be a way around the rule that only the user turns permission questions off.
 */
function offeredModes(startMode: PermissionMode): PermissionMode[] {
  return permissionModes.filter((mode) => mode !== "bypass" || startMode === "bypass");
}

export function modeState(current: PermissionMode, startMode: PermissionMode): SessionModeState {
  return {
    currentModeId: current,
    availableModes: offeredModes(startMode).map((mode) => ({ id: mode, ...MODE_TEXT[mode] })),
  };
}

/** The mode a session/set_mode names, or undefined when it is not one this session offers. */
export function offeredMode(modeId: string, startMode: PermissionMode): PermissionMode | undefined {
  return isPermissionMode(modeId) && offeredModes(startMode).includes(modeId) ? modeId : undefined;
}
