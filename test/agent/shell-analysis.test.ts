import { beforeAll, describe, expect, it } from "vitest";
import { analyzeShell } from "../../src/agent/shell/analysis.ts";
import { loadShellParser } from "../../src/agent/shell/parser.ts";

beforeAll(loadShellParser);

const texts = (command: string) => analyzeShell(command).commands.map((part) => part.forms[0]!.text);

describe("analyzeShell reads commands as bash does", () => {
  it("a quote inside a comment is part of the comment: the next lines are commands", () => {
    expect(texts("npm test # '\ncurl x | sh\n# '")).toEqual(["npm test", "curl x", "sh"]);
  });

  it("$'…' ends at its own quote, so what follows is three commands", () => {
    expect(texts("echo $'\\'' ; touch M ; echo ''")).toEqual(["echo $'\\''", "touch M", "echo ''"]);
    expect(analyzeShell("echo $'\\''").notPlain).not.toEqual([]);
  });

  it("resolves quotes and escapes into words, and keeps words with blanks apart", () => {
    expect(texts(`"git" 's'ta\\tus`)).toEqual(["git status"]);
    expect(texts("git 'status x'")).toEqual(["git 'status x'"]);
    expect(texts('echo "a\\"b"')).toEqual([`echo 'a"b'`]);
  });

  it("reads words after a redirection's target as arguments, as bash does", () => {
    // Found by scripts/fuzz-shell.ts: the grammar keeps `touch M` inside the redirection.
    expect(analyzeShell("env >A=1 touch M").denyTexts).toContain("touch M");
    expect(analyzeShell("env >A\\\n=1 touch M").denyTexts).toContain("touch M");
    expect(analyzeShell("env >A\\\n\\\n=1 touch M").denyTexts).toContain("touch M");
    expect(analyzeShell("t\\\n\\\nouch M").denyTexts).toContain("touch M");
    expect(texts("ls >out.txt -la")).toEqual(["ls -la"]);
  });

  it("joins a word split by backslash-newline, as bash does", () => {
    expect(analyzeShell("r\\\nm -rf x").denyTexts).toContain("rm -rf x");
  });

  it("says what it cannot resolve", () => {
    expect(analyzeShell("c=touch; $c f").unresolved).toEqual([
      "the command name `$c` is only known when the shell runs",
    ]);
    expect(analyzeShell("curl x | sh").unresolved).toEqual(["`sh` runs commands it reads at run time"]);
    expect(analyzeShell('eval "$x"').unresolved).toHaveLength(1);
    expect(analyzeShell("echo 'unclosed").unresolved).toContain("the command does not parse completely");
    expect(analyzeShell("ls -la && echo $HOME").unresolved).toEqual([]);
  });

  it("reads a literal heredoc fed to a shell as the script it is", () => {
    const analysis = analyzeShell("bash <<'EOF'\ntouch M\nEOF");
    expect(analysis.denyTexts).toContain("touch M");
    expect(analysis.unresolved).toEqual([]);
  });

  it("counts the words a rule must name to know what a wrapper runs", () => {
    const pinned = (command: string) => analyzeShell(command).commands[0]!.pinnedWords;
    expect(pinned("npm test")).toBe(0);
    expect(pinned("sudo -u root rm x")).toBe(4);
    expect(pinned("find . -exec rm {} +")).toBe(4);
    expect(pinned("sh -c 'echo hi'")).toBe(3);
    expect(pinned("xargs")).toBe(0);
    expect(pinned("cat x | bash")).toBe(0);
    expect(analyzeShell("cat x | bash").commands[1]!.pinnedWords).toBe(Number.POSITIVE_INFINITY);
  });

  it("collects files written by redirection and by output options", () => {
    const writes = (command: string) => analyzeShell(command).commands.flatMap((part) => part.writes);
    expect(writes("npm test > out.txt 2>&1 >&2")).toEqual(["out.txt"]);
    expect(writes("git diff --output=~/.bashrc")).toEqual(["~/.bashrc"]);
    expect(writes("curl -sSLo /tmp/x u && sort -o s.txt x")).toEqual(["/tmp/x", "s.txt"]);
    expect(writes("{ ls; } > $f")).toEqual([undefined]);
    expect(writes("tee a b | dd of=c")).toEqual(["a", "b", "c"]);
    expect(writes("git clone u /x && git worktree add -b t ../w && git -C /y log")).toEqual([
      "/x",
      "../w",
      "/y",
    ]);
    expect(writes("tsc --outDir /o --target es2020 && npm pack --pack-destination=/p")).toEqual([
      "/o",
      "es2020",
      "/p",
    ]);
  });

  it("reads subscript code the grammar sees as a plain string, however it is spelled", () => {
    const unresolved = (command: string) => analyzeShell(command).unresolved;
    expect(unresolved("test -v 'a[$(touch M)]'")[0]).toMatch(/array subscript/);
    expect(unresolved(`x='a['"\\$(touch M)]"`)).not.toEqual([]);
    expect(unresolved("x=$'a[\\x24(touch M)]'")).not.toEqual([]);
    expect(unresolved("test -v a[\\$\\(touch\\ M\\)]")).not.toEqual([]);
    // A real substitution in a string is read as a command, not as subscript text.
    expect(unresolved('echo "[$(date)] done"')).toEqual([]);
    // Escapes bash leaves alone, and code points past Unicode, decode without throwing.
    expect(() => analyzeShell("echo $'\\x' $'\\U110000' $'\\u'")).not.toThrow();
  });

  it("names what runs code it does not read", () => {
    const why = (command: string) => analyzeShell(command).unresolved[0];
    expect(why("git -c core.hooksPath=. status")).toBe("git -c sets a config value that can run commands");
    expect(why("git -c user.name=x commit")).toBeUndefined();
    expect(why("python3 -c 'print(1)'")).toMatch(/python3/);
    expect(why("python3 -m pytest")).toBeUndefined();
    // `-v` is python's verbose flag, not its version: the program still comes from stdin.
    expect(why("python3 -v <<< 'import os'")).toMatch(/reads its program from stdin/);
    expect(why("node -v")).toBeUndefined();
    expect(why("awk 'BEGIN{system(\"x\")}' <<< y")).toMatch(/awk runs shell commands/);
    // Found by scripts/fuzz-shell.ts: awk joins `system\⏎(` into one line.
    expect(why("awk 'BEGIN{system\\\n(\"x\")}'")).toMatch(/awk runs shell commands/);
    // gawk's indirect call (`f = "system"; @f("x")`); mawk, installed here, has none, so not in the corpus.
    expect(why(`gawk 'BEGIN{f="system"; @f("x")}'`)).toMatch(/awk runs shell commands/);
    expect(analyzeShell("sudo node -e 1").commands[0]!.pinnedWords).toBe(Number.POSITIVE_INFINITY);
  });
});
