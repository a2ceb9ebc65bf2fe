// What reading a huge file costs the Read tool and the JavaScript Grep (the
// fallback without ripgrep): time, output size and resident memory growth,
// on a 200 MB sparse file (3,000 text lines, then zeros) and a 118 MB text
// file with one match on its last line. Generated in a temp folder, removed after.
//
//   node_modules/.bin/node scripts/bench-big-files.ts
//   node_modules/.bin/node scripts/bench-big-files.ts /path/to/another/checkout   (its src/ instead)
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const MEGABYTE = 1024 * 1024;
const source = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, ".."));
const { readTextFile } = await import(path.join(source, "src/tools/read.ts"));
const { grepFiles } = await import(path.join(source, "src/tools/grep.ts"));

const folder = mkdtempSync(path.join(tmpdir(), "tacit-bench-big-"));
try {
  const header = Array.from({ length: 3000 }, (_, index) => `line ${index + 1} of the header`).join("\n");
  writeFileSync(path.join(folder, "huge.log"), `${header}\n`);
  truncateSync(path.join(folder, "huge.log"), 200 * MEGABYTE);
  const descriptor = openSync(path.join(folder, "big.txt"), "w");
  const block = "an ordinary log line with some words in it, nothing to see\n".repeat(20_000);
  for (let index = 0; index < 100; index++) writeSync(descriptor, block);
  writeSync(descriptor, "NEEDLE here\n");
  closeSync(descriptor);

  const context = {
    cwd: folder,
    projectRoot: folder,
    signal: new AbortController().signal,
    state: { todos: [], readFiles: new Map() },
  };
  const residentMiB = () => process.memoryUsage().rss / MEGABYTE;
  const baseline = residentMiB();
  const measure = async (label: string, run: () => Promise<{ output: string }>) => {
    const started = performance.now();
    const { output } = await run();
    const milliseconds = performance.now() - started;
    const firstLine = output.split("\n").find((line) => line.trim()) ?? "";
    console.log(
      `| ${label} | ${milliseconds.toFixed(0)} ms | ${output.length} | +${(residentMiB() - baseline).toFixed(1)} MiB | ${firstLine.slice(0, 60)} |`,
    );
  };
  console.log(`source: ${source}`);
  console.log("| case | time | output chars | RSS growth (cumulative) | output starts |");
  console.log("| --- | --- | --- | --- | --- |");
  await measure("Read, 200 MB file, first window", () => readTextFile(context, { path: "huge.log" }));
  await measure("Read, 200 MB file, offset past the end", () =>
    readTextFile(context, { path: "huge.log", offset: 5000 }),
  );
  await measure("Grep (JavaScript), 118 MB file", () =>
    grepFiles(context, { pattern: "NEEDLE", path: "big.txt", engine: "javascript", outputMode: "content" }),
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
