// Secrets corpus benchmark: the redactor over every real-format secret sample (how many
// would be stored raw) and every clean code snippet (how many would be changed), plus its
// speed on a megabyte of ordinary source code. The samples are generated from a seed
// (test/memory/secret-generators.ts), so every run measures the same corpus.
//
//   npm run bench:secrets
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { redactSecrets } from "../src/memory/redaction.ts";
import { cleanSamples, secretSamples } from "../test/memory/secret-samples.ts";

const samples = secretSamples();
let valueCount = 0;
const rawValues: string[] = [];
const storedRaw = samples.filter((sample) => {
  const text = redactSecrets(sample.text).text;
  const raw = sample.values.filter((value) => text.includes(value));
  valueCount += sample.values.length;
  rawValues.push(...raw);
  return raw.length > 0;
});
const falsePositives = cleanSamples.filter((text) => redactSecrets(text).redactions.length > 0);

// Out of sample: the project's own code, tests and docs (not the corpus files), where every
// redaction is either a deliberate fake secret in a test or a false positive to read.
const repositoryRoot = path.resolve(import.meta.dirname, "..");
const listFiles = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(folder, entry.name)) : [path.join(folder, entry.name)],
  );
const ownFiles = [
  ...["src", "test", "scripts"].flatMap((folder) => listFiles(path.join(repositoryRoot, folder))),
  path.join(repositoryRoot, "README.md"),
].filter(
  (file) => /\.(ts|tsx|mjs|md)$/.test(file) && !/secret-|clean-samples|redaction/.test(path.basename(file)),
);
/** Redacts each file; returns its line count and one line per redaction (file, kind, the line). */
function redactFiles(files: string[]): { lines: number; redactions: string[] } {
  let lines = 0;
  const redactions: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    lines += text.split("\n").length;
    for (const redaction of redactSecrets(text).redactions) {
      const lineStart = text.lastIndexOf("\n", redaction.start) + 1;
      const lineEnd = text.indexOf("\n", redaction.end);
      const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim();
      redactions.push(`${path.relative(repositoryRoot, file)} (${redaction.kind}): ${line.slice(0, 90)}`);
    }
  }
  return { lines, redactions };
}
const own = redactFiles(ownFiles);
// Third-party code nobody wrote with the redactor in mind: the installed dependencies (pinned by
// the lock file), sources and docs under 300 kB. --verbose lists each redaction.
const vendorFiles = listFiles(path.join(repositoryRoot, "node_modules")).filter(
  (file) =>
    /\.(ts|js|mjs|md|json|ya?ml)$/.test(file) && !/\.min\./.test(file) && statSync(file).size < 300_000,
);
const vendor = redactFiles(vendorFiles);

// Speed: the project's own source, repeated to a megabyte (code is what transcripts hold most).
const sourceFolder = path.resolve(import.meta.dirname, "..", "src", "agent");
const source = readdirSync(sourceFolder)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => readFileSync(path.join(sourceFolder, name), "utf8"))
  .join("\n");
let megabyte = "";
while (megabyte.length < 1_000_000) megabyte += source;
const timings: number[] = [];
for (let run = 0; run < 7; run++) {
  const start = performance.now();
  redactSecrets(megabyte);
  timings.push(performance.now() - start);
}
timings.sort((left, right) => left - right);

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
console.log(`secret samples stored raw: ${storedRaw.length} of ${samples.length} samples`);
console.log(
  `  (${rawValues.length} of ${valueCount} secret values; ${percent(rawValues.length, valueCount)})`,
);
for (const sample of storedRaw) console.log(`  raw: ${sample.name}`);
console.log(`clean snippets falsely redacted: ${falsePositives.length} of ${cleanSamples.length}`);
for (const text of falsePositives) console.log(`  changed: ${text.replaceAll("\n", "⏎").slice(0, 100)}`);
console.log(
  `tacit's own files: ${own.redactions.length} redactions in ${ownFiles.length} files (${own.lines} lines):`,
);
for (const line of own.redactions) console.log(`  ${line}`);
console.log(
  `installed dependencies: ${vendor.redactions.length} redactions in ${vendorFiles.length} files (${vendor.lines} lines)`,
);
if (process.argv.includes("--verbose")) for (const line of vendor.redactions) console.log(`  ${line}`);
console.log(`redaction speed: median ${timings[3]!.toFixed(0)} ms per MB of source code`);
