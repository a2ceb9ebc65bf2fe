// `tacit memory ui` opens the browser without the token in any argv (`ps` shows argv to every local
// user): the opener gets a launcher file only the user can read. TACIT_BROWSER points the built CLI
// at a script that records its argv and the launcher it was given.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startMemoryUi } from "../support/memory-ui-browser.ts";

describe("tacit memory ui opens the browser on a launcher file", () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), "tacit-memory-ui-launcher-"));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it("the opener's argv holds no token; the launcher is 0600 in a 0700 folder, and goes with the server", async () => {
    const record = path.join(base, "opener-argv");
    const opener = path.join(base, "opener.sh");
    // Records argv, then a copy of the launcher and its folder's and file's modes.
    writeFileSync(
      opener,
      `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${record}.tmp"\ncp "$1" "${record}.html"\n` +
        `stat -c '%a' "$(dirname "$1")" "$1" > "${record}.modes"\nmv "${record}.tmp" "${record}"\n`,
    );
    chmodSync(opener, 0o755);
    mkdirSync(path.join(base, "home"));
    const home = path.join(base, "tacit-home");
    const ui = await startMemoryUi({
      cwd: base,
      env: { TACIT_HOME: home, HOME: path.join(base, "home"), TACIT_BROWSER: opener },
      open: true,
    });
    try {
      const token = /127\.0\.0\.1:\d+\/([A-Za-z0-9_-]+)\//.exec(ui.url)?.[1] ?? "";
      expect(token.length).toBeGreaterThan(10);
      await expect.poll(() => existsSync(record), { timeout: 20_000 }).toBe(true);
      const argv = readFileSync(record, "utf8");
      expect(argv).not.toContain(token);
      const launcher = argv.trim().split("\n")[1] ?? "";
      expect(launcher.startsWith(path.join(home, "run"))).toBe(true);
      expect(readFileSync(`${record}.modes`, "utf8").split("\n").slice(0, 2)).toEqual(["700", "600"]);
      // The launcher sends the browser to the URL, token included.
      expect(readFileSync(`${record}.html`, "utf8")).toContain(ui.url);
      expect(statSync(launcher).isFile()).toBe(true);
      // The user's own terminal still gets the URL.
      expect(ui.output()).toContain(ui.url);
      await ui.stop();
      expect(existsSync(launcher)).toBe(false);
    } finally {
      await ui.stop();
    }
  });
});
