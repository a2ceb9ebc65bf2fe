import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { acceptLocalSettings } from "../../src/config/local-settings-trust.ts";
import { localSettingsPath } from "../../src/config/paths.ts";

/**
 * Writes `.tacit/settings.local.json` as the user's own: the file, then the
 * record `tacit trust` makes of it in `home` (as "allow always" or accepting
 * it would), so tests of what the user's personal file may do start from a
 * file the loader trusts as theirs (config/local-settings-trust.ts).
 */
export function writeOwnLocalSettings(home: string, project: string, value: unknown): void {
  const file = localSettingsPath(project);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
  acceptLocalSettings(home, project);
}
