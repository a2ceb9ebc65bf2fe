// The memory browser's first page load with 10,000 memories, measured in headless Chromium: the
// built CLI's `tacit memory ui` over a home of 10,000 user memories (one git repository, as tacit
// keeps it), and the time from navigation to the first page of rows on screen.
//
//   npm run bench:memory-ui -- [--runs 7] [--count 10000]   (needs Debian's chromium)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { serializeMemory } from "../src/memory/memory-file.ts";
import { memoryScopes } from "../src/memory/scopes.ts";
import { findChromium, launchChromium, startMemoryUi } from "../test/support/memory-ui-browser.ts";
import { seededRandom } from "../test/support/seeded-random.ts";

const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const RUNS = argument("--runs", 7);
const COUNT = argument("--count", 10_000);
const WORDS =
  "build test deploy cache lockfile migration schema token proxy docker vitest biome pnpm queue retry webhook parser logger config release".split(
    " ",
  );

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.error("bench:memory-ui needs chromium (apt-get install chromium)");
  process.exit(1);
}

const base = mkdtempSync(path.join(tmpdir(), "tacit-bench-memory-ui-"));
const project = path.join(base, "project");
const home = path.join(base, "tacit-home");
mkdirSync(project);
mkdirSync(path.join(base, "user-home"));
execFileSync("git", ["init", "-q"], { cwd: project });
const folder = memoryScopes({ home, projectRoot: project }).user;
mkdirSync(folder, { recursive: true });
const random = seededRandom(20261127);
const words = (count: number) =>
  Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
const types = ["preference", "pattern", "project", "decision", "reference"] as const;
for (let index = 0; index < COUNT; index++) {
  const name = `fact-${index}`;
  writeFileSync(
    path.join(folder, `${name}.md`),
    serializeMemory({
      name,
      description: `the ${words(4)} rule number ${index}`,
      type: types[index % types.length]!,
      updated: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
      body: `When ${words(6)}, ${words(8)}.\n\n**Why:** ${words(10)}.\n`,
    }),
  );
}
const git = ["-c", "user.name=tacit", "-c", "user.email=tacit@localhost", "-c", "commit.gpgsign=false"];
execFileSync("git", ["init", "-q", "-b", "main"], { cwd: folder });
execFileSync("git", ["add", "-A"], { cwd: folder });
execFileSync("git", [...git, "commit", "-q", "-m", `create ${COUNT} memories`], { cwd: folder });

const env = { TACIT_HOME: home, HOME: path.join(base, "user-home") };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const serverStarts: number[] = [];
const firstLoads: number[] = [];
const warmLoads: number[] = [];
const inPage: number[] = [];
const listRequests: number[] = [];
const browser = await launchChromium(chromiumPath);
try {
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const ui = await startMemoryUi({ cwd: project, env });
    serverStarts.push(performance.now() - started);
    try {
      // The list request alone, as the page makes it (one stat per file, one page of rows).
      const requestStart = performance.now();
      await (await fetch(`${ui.url}api/memories?scope=&type=&offset=0&limit=200`)).json();
      listRequests.push(performance.now() - requestStart);
      for (let load = 0; load < 2; load++) {
        const page = await browser.context.newPage();
        const begin = performance.now();
        await page.goto(ui.url);
        await page.locator("#list-summary", { hasText: `of ${COUNT} memories` }).waitFor();
        (load === 0 ? firstLoads : warmLoads).push(performance.now() - begin);
        // The page's own mark: navigation start to the first rows appended, without the driver's polling.
        if (load === 0) {
          inPage.push(
            await page.evaluate(
              () => performance.getEntriesByName("tacit:first-rows")[0]?.startTime ?? Number.NaN,
            ),
          );
        }
        const rows = await page.locator(".memory-row").count();
        if (rows === 0 || rows >= COUNT) throw new Error(`expected one page of rows, found ${rows}`);
        await page.close();
      }
    } finally {
      await ui.stop();
    }
  }
} finally {
  await browser.close();
  rmSync(base, { recursive: true, force: true });
}

const format = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
console.log(`memory browser with ${COUNT} memories, ${RUNS} runs`);
console.log(`  server start to URL (list from the index manifest): ${format(serverStarts)}`);
// The first start in this home also builds the search index (every file read once): said apart.
console.log(`    of which the first start, in a home never indexed: ${serverStarts[0]!.toFixed(0)} ms`);
console.log(`  first page load, navigation to rows on screen:  ${format(firstLoads)}`);
console.log(`    the same by the page's own mark:               ${format(inPage)}`);
console.log(`    of which the list request (200 rows):          ${format(listRequests)}`);
console.log(`  second page load on the same server:            ${format(warmLoads)}`);
