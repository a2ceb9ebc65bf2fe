import { Command, Option } from "commander";
import { describe, expect, it } from "vitest";
import { parseRunOptions } from "../../src/cli/options.ts";
import { commanderFlags, parseRootFast, ROOT_OPTIONS } from "../../src/cli/root-options.ts";

/** What commander makes of the same words, from the same table (the slow path). */
function parseWithCommander(argv: string[]) {
  let result: { raw: Record<string, unknown>; prompt: string | undefined } | undefined;
  const program = new Command("tacit").argument("[prompt]").exitOverride();
  for (const option of ROOT_OPTIONS) {
    const flag = new Option(commanderFlags(option), option.description);
    program.addOption(option.choices ? flag.choices(option.choices) : flag);
  }
  program.action((prompt: string | undefined, raw: Record<string, unknown>) => {
    result = { raw, prompt };
  });
  program.parse(argv, { from: "user" });
  return result!;
}

describe("the fast argument parser", () => {
  const plainRuns = [
    ["-p", "fix the test", "--model", "openai/gpt-5", "--output-format", "json"],
    ["fix the test"],
    [],
    ["-pc", "--no-memory", "--verbose"],
    ["--resume=20261124-0530", "-p", "go on", "--max-turns", "3", "--permission-mode", "plan"],
    ["--yolo", "--include-partial-messages", "-p", "--output-format", "stream-json"],
    ["-m", "ollama/qwen3", "--", "--not-an-option"],
  ];

  it.each(plainRuns)("reads %j exactly as commander does", (...argv) => {
    const fast = parseRootFast(argv);
    expect(fast).toBeDefined();
    const slow = parseWithCommander(argv);
    expect(parseRunOptions(fast!.raw, fast!.prompt)).toEqual(parseRunOptions(slow.raw, slow.prompt));
  });

  it.each([
    [["sessions", "list"]],
    [["memory"]],
    [["remember", "use pnpm"]],
    [["--help"]],
    [["-v"]],
    [["--allowed-tools", "Bash(npm test:*)", "Edit(src/**)"]],
    [["--unknown-flag"]],
    [["--output-format", "xml"]],
    [["two", "prompts"]],
    [["--model"]],
  ])("leaves %j to commander (help, subcommands, lists, errors)", (argv) => {
    expect(parseRootFast(argv)).toBeUndefined();
  });
});
