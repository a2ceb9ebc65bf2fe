import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Opens the memory browser without putting its token in any process's argv,
 * which every local user can read (`ps`): the opener gets the path of a small
 * HTML file that redirects to the URL, readable only by the user (0600 in a
 * 0700 folder under ~/.tacit/run/), as Jupyter does. The file is removed when
 * the server stops (the returned function). TACIT_BROWSER names another opener
 * (the user's own environment; the tests record its argv with it).
 */
export function openInBrowser(url: string, home: string, onFailure: (line: string) => void): () => void {
  const launcher = writeLauncher(url, home);
  const [command, args] = openerFor(launcher.file);
  const child = spawn(command, args, { stdio: "ignore", detached: true });
  child.on("error", (error) =>
    onFailure(`could not open a browser (${command}: ${error.message}); open the URL yourself`),
  );
  child.unref();
  return launcher.remove;
}

function writeLauncher(url: string, home: string): { file: string; remove: () => void } {
  const runFolder = path.join(home, "run");
  mkdirSync(runFolder, { recursive: true, mode: 0o700 });
  chmodSync(runFolder, 0o700);
  // mkdtemp makes the folder 0700 with a name no other user can predict or pre-create.
  const folder = mkdtempSync(path.join(runFolder, "memory-ui-"));
  const file = path.join(folder, "open.html");
  const quoted = JSON.stringify(url).replace(/</g, "\\u003c");
  const attribute = url.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  writeFileSync(
    file,
    `<!doctype html>\n<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attribute}">` +
      `<title>tacit memory browser</title><script>location.replace(${quoted});</script></head>` +
      `<body><a href="${attribute}">Open the tacit memory browser</a></body></html>\n`,
    { mode: 0o600 },
  );
  return { file, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

function openerFor(file: string): [string, string[]] {
  const chosen = process.env.TACIT_BROWSER?.trim();
  if (chosen) return [chosen, [file]];
  if (process.platform === "darwin") return ["open", [file]];
  if (process.platform === "win32") return ["cmd", ["/c", "start", '""', file]];
  return ["xdg-open", [file]];
}
