// tacit init's repository survey: how big it is (the part of the first request it adds) and how long
// gathering it takes, on this checkout and on a large folder of many small files (node_modules, where
// .gitignore does not apply because it is walked as its own root). Median of 5 runs each.
//
//   npm run bench:init
import path from "node:path";
import { surveyRepository } from "../src/agent/init/repository-survey.ts";

const RUNS = 5;
const repositoryRoot = path.resolve(import.meta.dirname, "..");
const targets = [
  { label: "this checkout", root: repositoryRoot },
  { label: "node_modules/zod (a package folder)", root: path.join(repositoryRoot, "node_modules", "zod") },
  { label: "node_modules (tens of thousands of files)", root: path.join(repositoryRoot, "node_modules") },
];

const median = (values: number[]) =>
  [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;

console.log("| folder | survey characters | ~tokens | files quoted | gather time (median of 5) |");
console.log("|---|---|---|---|---|");
for (const { label, root } of targets) {
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof surveyRepository>> | undefined;
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    last = await surveyRepository(root);
    times.push(performance.now() - started);
  }
  const text = last!.text;
  console.log(
    `| ${label} | ${text.length.toLocaleString("en-US")} | ${Math.ceil(text.length / 4).toLocaleString("en-US")} | ${last!.quoted.length} | ${median(times).toFixed(0)} ms |`,
  );
}
