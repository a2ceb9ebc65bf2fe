import { execFileSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyPatchText } from "../../src/tools/apply-patch.ts";
import { editTextFile } from "../../src/tools/edit.ts";
import { grepFiles } from "../../src/tools/grep.ts";
import { MAX_READ_OUTPUT_CHARS, readTextFile } from "../../src/tools/read.ts";
import { writeTextFile } from "../../src/tools/write.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";

/**
 * Files that used to hang a tool call or load whole into memory: devices,
 * FIFOs, and files far bigger than any window. Each is the real thing: a real
 * FIFO (mkfifo), /dev/zero, a 200 MB sparse file, a 20 MB line.
 */

const MEGABYTE = 1024 * 1024;

async function makeFifo(directory: string, name = "pipe"): Promise<string> {
  const fifo = path.join(directory, name);
  execFileSync("mkfifo", [fifo]);
  return fifo;
}

/** A file of `lines` numbered text lines followed by zeros up to `totalBytes`, without writing the zeros. */
async function makeSparseFile(file: string, lines: number, totalBytes: number): Promise<void> {
  const text = Array.from({ length: lines }, (_, index) => `line ${index + 1} of the header`).join("\n");
  await writeFile(file, `${text}\n`);
  await truncate(file, totalBytes);
}

describe("Read refuses what is not a regular file", () => {
  it("refuses /dev/zero in one line instead of reading it for ever", async () => {
    const result = await readTextFile(makeContext(await makeTempDirectory()), { path: "/dev/zero" });
    expect(result.isError).toBe(true);
    expect(result.output).toBe(
      "/dev/zero is a character device, not a regular file; only regular files can be read or edited.",
    );
  });

  it("refuses a FIFO with no writer instead of hanging on it", async () => {
    const directory = await makeTempDirectory();
    await makeFifo(directory);
    const result = await readTextFile(makeContext(directory), { path: "pipe" });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("pipe is a FIFO (named pipe), not a regular file");
  });

  it("refuses a symlink that leads to a device", async () => {
    const directory = await makeTempDirectory();
    symlinkSync("/dev/zero", path.join(directory, "innocent.txt"));
    const result = await readTextFile(makeContext(directory), { path: "innocent.txt" });
    expect(result.isError).toBe(true);
    expect(result.output).toContain("innocent.txt is a character device");
  });

  it("Edit, Write and apply_patch refuse a FIFO too (reading what is there would hang)", async () => {
    const directory = await makeTempDirectory();
    await makeFifo(directory);
    const context = makeContext(directory);
    const edit = await editTextFile(context, { path: "pipe", oldString: "a", newString: "b" });
    expect(edit.isError).toBe(true);
    expect(edit.output).toContain("FIFO");
    const write = await writeTextFile(context, "pipe", "content");
    expect(write.isError).toBe(true);
    expect(write.output).toContain("FIFO");
    const patch = await applyPatchText(
      context,
      "*** Begin Patch\n*** Update File: pipe\n@@\n-a\n+b\n*** End Patch",
    );
    expect(patch.isError).toBe(true);
    expect(patch.output).toContain("pipe is a FIFO (named pipe), not a regular file");
  });
});

describe("Edit and Write never hold a huge file whole", () => {
  it("Edit refuses a 200 MB file with one line saying what to do instead", async () => {
    const directory = await makeTempDirectory();
    await makeSparseFile(path.join(directory, "huge.log"), 10, 200 * MEGABYTE);
    const result = await editTextFile(makeContext(directory), {
      path: "huge.log",
      oldString: "line 1 of the header",
      newString: "first line",
    });
    expect(result.isError).toBe(true);
    expect(result.output).toBe(
      "huge.log is 200.0 MB; Edit works on files up to 10 MB. Change a file this big with a command (sed, a script) instead.",
    );
  });

  it("Write over a 200 MB file replaces it without reading it for a diff", async () => {
    const directory = await makeTempDirectory();
    await makeSparseFile(path.join(directory, "huge.log"), 10, 200 * MEGABYTE);
    const rssBefore = process.memoryUsage().rss;
    const result = await writeTextFile(makeContext(directory), "huge.log", "small now\n");
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MEGABYTE);
    expect(result.output).toBe("Overwrote huge.log (1 lines).");
    expect(result.display).toBeUndefined();
  });
});

describe("Read streams a window of a huge file", () => {
  it("reads the first 2000 lines of a 200 MB file and says the file goes on", async () => {
    const directory = await makeTempDirectory();
    await makeSparseFile(path.join(directory, "huge.log"), 3000, 200 * MEGABYTE);
    const rssBefore = process.memoryUsage().rss;
    const result = await readTextFile(makeContext(directory), { path: "huge.log" });
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(result.isError).toBeUndefined();
    expect(result.output).toContain("  2000\tline 2000 of the header");
    expect(result.output).not.toContain("line 2001");
    expect(result.output).toContain(
      "(lines 1-2000 of a 200.0 MB file, which goes on; use offset 2001 to read more)",
    );
    expect(result.output.length).toBeLessThan(MAX_READ_OUTPUT_CHARS + 500);
    // Loading the file whole would add its 200 MB; streaming adds a chunk.
    expect(rssGrowth).toBeLessThan(100 * MEGABYTE);
  });

  it("reads past the window to an offset deep in the file, one line of zeros long", async () => {
    const directory = await makeTempDirectory();
    await makeSparseFile(path.join(directory, "huge.log"), 3000, 150 * MEGABYTE);
    const context = makeContext(directory);
    const tail = await readTextFile(context, { path: "huge.log", offset: 2999, limit: 2 });
    expect(tail.output).toContain("  2999\tline 2999 of the header");
    expect(tail.output).toContain("  3000\tline 3000 of the header");
    // The zeros after the header are one 150 MB line: scanned to its end, never held.
    const past = await readTextFile(context, { path: "huge.log", offset: 5000 });
    expect(past.isError).toBe(true);
    expect(past.output).toBe("huge.log has only 3001 lines; offset 5000 is past the end.");
  });

  it("cuts a single 20 MB line at 2000 characters", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "one-line.txt"), "a".repeat(20 * MEGABYTE));
    const result = await readTextFile(makeContext(directory), { path: "one-line.txt" });
    expect(result.output).toContain("[line truncated]");
    expect(result.output).toContain("(1 long lines were cut at 2000 characters)");
    expect(result.output.length).toBeLessThan(2200);
  });

  it("stops at its cap of output characters and says where to go on", async () => {
    const directory = await makeTempDirectory();
    const lines = Array.from({ length: 2000 }, (_, index) => `${index + 1} ${"x".repeat(1000)}`);
    await writeFile(path.join(directory, "wide.txt"), lines.join("\n"));
    const result = await readTextFile(makeContext(directory), { path: "wide.txt" });
    expect(result.output.length).toBeLessThanOrEqual(MAX_READ_OUTPUT_CHARS + 300);
    const match =
      /\(lines 1-(\d+) of 2000, cut at 100000 characters of output; use offset (\d+) to read more\)/.exec(
        result.output,
      );
    expect(match).not.toBeNull();
    expect(Number(match![2])).toBe(Number(match![1]) + 1);
    const next = await readTextFile(makeContext(directory), {
      path: "wide.txt",
      offset: Number(match![2]),
      limit: 1,
    });
    expect(next.output).toContain(`${match![2]} xxx`);
  });
});

describe("Grep without ripgrep searches big files and names what it skipped", () => {
  it("finds a match at the end of a 12 MB file", async () => {
    const directory = await makeTempDirectory();
    const filler = `${"filler text line\n".repeat(12 * 60_000)}`;
    await writeFile(path.join(directory, "big.log"), `${filler}NEEDLE at the very end\n`);
    const context = makeContext(directory);
    const files = await grepFiles(context, { pattern: "NEEDLE", engine: "javascript" });
    expect(files.output).toBe("Found 1 files\nbig.log");
    const content = await grepFiles(context, {
      pattern: "NEEDLE",
      engine: "javascript",
      outputMode: "content",
      before: 1,
    });
    expect(content.output).toBe(`big.log-720000-filler text line\nbig.log:720001:NEEDLE at the very end`);
  });

  it("refuses a FIFO named as the search path, for either engine, instead of hanging", async () => {
    const directory = await makeTempDirectory();
    await makeFifo(directory);
    for (const engine of ["javascript", "auto"] as const) {
      const result = await grepFiles(makeContext(directory), { pattern: "x", path: "pipe", engine });
      expect(result.isError).toBe(true);
      expect(result.output).toBe(
        "pipe is a FIFO (named pipe), not a regular file; only regular files can be read or edited.",
      );
    }
  });

  it("says when a line longer than 1 MB was searched only in part", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "minified.js"), `${"x".repeat(2 * MEGABYTE)}NEEDLE\n`);
    const result = await grepFiles(makeContext(directory), { pattern: "NEEDLE", engine: "javascript" });
    expect(result.output).toContain("No matches found.");
    expect(result.output).toContain(
      "minified.js: 1 lines longer than 1 MB were searched in their first 1 MB only",
    );
  });
});
