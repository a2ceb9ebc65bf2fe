// The TUI in a real terminal (tmux): an answer cut at the output limit is said as a notice under
// what came of it, and a continued session shows the notice again where the answer ended.
import { afterEach, describe, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { hasTmux, TmuxTerminal } from "./tmux-terminal.ts";

const WIDE = { columns: 160, rows: 30 };

describe.skipIf(!hasTmux)("the TUI: an answer that ends short", () => {
  const e2e = e2eFixture();
  const terminals: TmuxTerminal[] = [];
  afterEach(() => {
    for (const terminal of terminals.splice(0)) terminal.kill();
  });

  it("says it in a notice, and again when the session is continued", async () => {
    const first = new TmuxTerminal("endings-first");
    terminals.push(first);
    first.launch(e2e.workspace, e2e.env, ["--model", e2e.model], WIDE);
    await first.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue({ text: "The opening paragraph of the report", ending: "max-tokens" });
    await first.typeLine("write the report");
    await first.waitFor(/The opening paragraph of the report/, "what came of the answer");
    await first.waitFor(
      /The opening paragraph of the report[\s\S]*The answer was cut off at the model's output-token limit \(max_tokens\), so it is incomplete\./,
      "the notice with the wire's word, under the answer",
    );
    first.kill();

    const second = new TmuxTerminal("endings-second");
    terminals.push(second);
    second.launch(e2e.workspace, e2e.env, ["--model", e2e.model, "--continue"], WIDE);
    await second.waitFor(/The opening paragraph of the report/, "the resumed answer");
    await second.waitFor(
      /The opening paragraph of the report[\s\S]*The answer was cut off at the model's output-token limit, so it is incomplete\./,
      "the resumed notice, under the answer",
    );
  });
});
