// The TUI in a real terminal (tmux): an answer cut at the output limit is said as a notice under
// what came of it, and a continued session shows the notice again where the answer ended; one that
// filled the context window is said as that and the next prompt compacts first; a call the provider
// could not read is retried once in view.
import { afterEach, describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { isReflectionRequest } from "./long-session.ts";
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

  it("an answer that filled the context window is said as that, and the next prompt compacts first", async () => {
    e2e.server.onRequest((request) => {
      if (request.normalized.system.startsWith("You summarise a coding session"))
        return { text: "## Goal\nReview the modules.\n## Work done\nMost reviewed." };
      return isReflectionRequest(request) ? { text: "Nothing worth keeping." } : undefined;
    });
    const terminal = new TmuxTerminal("endings-window");
    terminals.push(terminal);
    terminal.launch(e2e.workspace, e2e.env, ["--model", e2e.model], WIDE);
    await terminal.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue({ text: "The review of every module", ending: "context-window" });
    await terminal.typeLine("review every module");
    await terminal.waitFor(
      /The review of every module[\s\S]*filled the model's context window \(model_context_window_exceeded\), so it is incomplete\. The next turn with\s+this model compacts/,
      "the notice under the answer",
    );
    e2e.server.enqueue({ text: "The rest is reviewed." });
    await terminal.typeLine("go on");
    await terminal.waitFor(
      /The last answer filled the context window[\s\S]*The rest is reviewed\./,
      "compaction before the next answer",
    );
    e2e.server.onRequest(() => undefined);
  });

  it("a call the provider could not read is retried, said in a line, and the answer follows", async () => {
    const google = e2e.wire("google");
    const terminal = new TmuxTerminal("endings-malformed");
    terminals.push(terminal);
    terminal.launch(e2e.workspace, google.env, ["--model", google.model], WIDE);
    await terminal.waitFor(/❯/, "the input prompt");
    e2e.server.enqueue({ text: "Calling the tool.", ending: "malformed-call" }, { text: "Three files." });
    await terminal.typeLine("what is here?");
    // The failed attempt's text is ended and said to be dropped: the answer is not its sequel.
    await terminal.waitFor(
      /Calling the tool\.\s*\n[\s\S]*Retrying now \(attempt 2\): the model wrote a tool call the provider could not read \(MALFORMED_FUNCTION_CALL\)\. The partial answer above is dropped\.[\s\S]*Three files\./,
      "the dropped text, the retry line, then the answer",
    );
    expect(terminal.screen()).not.toContain("Calling the tool.Three files.");
    e2e.server.enqueue({ ending: "malformed-call" }, { ending: "malformed-call" });
    await terminal.typeLine("and now?");
    await terminal.waitFor(
      /The model wrote a tool call the provider could not read \(MALFORMED_FUNCTION_CALL\), on the retry too, so nothing of the answer was run\./,
      "the ending's notice",
    );
  });
});
