// The secrets corpus through the TUI in a real terminal: typed prompts (kept in the prompt
// history, history.jsonl), /remember, a /compact summary that repeats a secret, and /export.
// Then every file, git object and SQLite column tacit wrote is searched for a raw secret.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretSamples } from "../memory/secret-samples.ts";
import { filesUnder, rawSecretsIn, type StoredText, storedByTacit } from "../support/secret-scan.ts";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTui } from "./tmux-session.ts";

const SENTINEL = "tui-sentinel-91ab";
/** One-line samples only (a newline would submit); no tabs (a tab completes). Every fourth, for time. */
const typed = secretSamples()
  .filter((sample) => !/[\n\t]/.test(sample.text) && sample.text.length < 300)
  .filter((_sample, index) => index % 4 === 0);

describe.skipIf(!hasTmux)("secrets corpus in the TUI: prompt history, /remember, /compact, /export", () => {
  const e2e = e2eFixture();
  let tui: TmuxTui;
  beforeAll(() => {
    tui = new TmuxTui(
      "tacit-secrets",
      e2e.workspace.project,
      { PATH: process.env.PATH ?? "/usr/bin:/bin", ...e2e.env },
      ["--model", e2e.model],
    );
  });
  afterAll(() => tui?.close());

  it("stores none of the typed secrets raw", async () => {
    expect(typed.length).toBeGreaterThanOrEqual(10);
    await tui.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue({ text: "ack-sentinel" });
    await tui.typeLine(SENTINEL);
    await tui.waitFor(/ack-sentinel/, "the first answer");
    for (const [index, sample] of typed.entries()) {
      e2e.server.enqueue({ text: `ack-${index}-done` });
      await tui.typeLine(sample.text);
      await tui.waitFor(new RegExp(`ack-${index}-done`), `the answer to ${sample.name}`);
    }

    await tui.typeLine(`/remember ${SENTINEL} ${typed[0]!.text}`);
    await tui.waitFor(/Remembered/, "the /remember notice");

    // /compact: the reflection that saves before the drop first (nothing to keep), then the summary.
    e2e.server.enqueue(
      { text: "Nothing worth keeping." },
      { text: `Summary: the user pasted ${typed[1]!.text} and more.` },
    );
    await tui.typeLine("/compact");
    await tui.waitFor(/Compacted the conversation/, "the compaction notice");

    await tui.typeLine("/export");
    await tui.waitFor(/Exported the session to/, "the export notice");
    await tui.typeLine("/exit");
    await tui.waitFor(/__TACIT_EXITED_0__/, "the process to exit");

    const history = path.join(e2e.workspace.home, "history.jsonl");
    expect(existsSync(history)).toBe(true);
    const exports = readdirSync(e2e.workspace.project).filter((name) =>
      /^tacit-session-.*\.jsonl$/.test(name),
    );
    expect(exports).toHaveLength(1);
    const dotTacit = path.join(e2e.workspace.project, ".tacit");
    const stored: StoredText[] = [
      ...storedByTacit(e2e.workspace.home, e2e.workspace.project),
      ...filesUnder(path.join(e2e.workspace.project, exports[0]!)),
    ];
    // The history, the remembered memory and the transcript really hold what was typed.
    for (const place of [history, "sqlite messages.content"]) {
      expect(stored.find((text) => text.where === place)?.text, place).toContain(SENTINEL);
    }
    expect(
      stored.find((text) => text.where === history)!.text.match(/\[REDACTED:/g)!.length,
    ).toBeGreaterThanOrEqual(typed.length);
    expect(stored.some((text) => text.where.startsWith(dotTacit) && text.text.includes(SENTINEL))).toBe(true);

    const values = typed.flatMap((sample) => sample.values.map((value) => ({ name: sample.name, value })));
    expect(rawSecretsIn(stored, values)).toEqual([]);
  }, 180_000);
});
