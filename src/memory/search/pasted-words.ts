import { queryTerms } from "./query.ts";

/**
 * File extensions: in "src/components/ProductList.tsx" the extension says which language
 * the file is in, which every file of a project shares, not what it is about.
 */
const EXTENSIONS = new Set(
  `ts tsx js jsx mjs cjs json jsonc py pyi rb rs go java kt kts scala c cc cpp cxx h hh hpp cs
php swift m mm md mdx yml yaml toml ini cfg conf env lock sql sh bash zsh ps1 css scss sass less
html htm xml vue svelte erb txt log csv gradle properties proto tf tfvars hcl lua dart ex exs`.split(/\s+/),
);

/** A file name's extension, then perhaps ":line:col": ".tsx:42:18" in "ProductList.tsx:42:18". */
const EXTENSION_AT_END = new RegExp(`\\.(?:${[...EXTENSIONS].join("|")})(?::\\d+)*$`, "iu");

/**
 * A line of a pasted error that says where rather than what: a stack frame ("    at
 * ProductList (…)", '  File "main.py", line 8', " --> src/main.rs:12:20"), a quoted line of
 * code behind a line-number gutter ("12 |  let n …", "   |     ^^^ expected") or under a
 * Python frame, or an indented line naming a file and line ("\t/app/main.go:12 +0x1d").
 * Indentation alone says nothing: wrapped prose, a list, a to-do or a JSON block in a
 * prompt is the request itself. Read without a regular expression that could backtrack on
 * a line of spaces.
 */
function isWhereLine(line: string, previous: string): boolean {
  const body = line.trimStart();
  if (body === "") return false;
  if (GUTTER.test(body)) return true;
  const indented = body.length < line.length;
  if (indented && FRAME.test(body)) return true;
  if (indented && body.startsWith("|")) return true;
  if (indented && body.split(/\s+/u).some((token) => LOCATION.test(token))) return true;
  // Python prints the frame's line of code, indented, under its 'File "…", line N'.
  return indented && PYTHON_FRAME.test(previous.trimStart());
}
const GUTTER = /^\d+\s*\|/u;
const FRAME = /^(?:at\s|-->|File\s")/u;
const PYTHON_FRAME = /^File\s"/u;

/**
 * A fraction or a share ("0.1", ".5", "2.5%") is a value: it says how much, not what, and
 * "why does 0.1 + 0.2 not equal 0.3" must not match a memory for holding "0", "1" and "2".
 * Other numbers stay: a version names a thing ("python 3.12", "node 22.1"), and so do whole
 * numbers ("404", "port 3000", a day in "7 May"; making single digits weak cost LoCoMo 0.003
 * of recall@10) and an identifier's digits ("stmtcache_1", "fp16").
 */
const VALUE = /^[+-]?(?:0?\.\d+|\d+(?:\.\d+)?%)[.,:]?$/u;

/** How much of a prompt is read for where-words. */
const MAX_SCANNED = 20_000;

/** A file name followed by a line number: "src/main.rs:12:20". */
const LOCATION = /\.\w+:\d/u;

/**
 * The words of a coding prompt that only say where or how much, not what: the folders and
 * extension of a file name, its line and column, every word of a pasted error's stack
 * frames and quoted code lines (the lines indented under the first), and decimal numbers
 * (VALUE). A file's folders and extension are weak in a pasted error or beside a
 * line number, not in a sentence. A careful reader of "TypeError: … at ProductList
 * (src/components/ProductList.tsx:42:18)" looks for memories about the error, not every
 * memory that mentions "src" or "components"; the file's own name ("ProductList",
 * "package") is kept. Such a word still ranks, like filler (stopwords.ts FILLER_WORDS),
 * but makes no match (relevance.ts). A word also written where it says what ("the
 * components folder") is not weak.
 */
export function weakWords(prompt: string): ReadonlySet<string> {
  // Each recall asks twice for the same prompt: the ranking (lexical-ranking.ts), then the gate
  // (word-evidence.ts).
  if (lastWeak?.prompt !== prompt) lastWeak = { prompt, weak: readWeakWords(prompt) };
  return lastWeak.weak;
}
let lastWeak: { prompt: string; weak: ReadonlySet<string> } | undefined;

function readWeakWords(prompt: string): Set<string> {
  const weak = new Set<string>();
  const strong = new Set<string>();
  // The search keeps a prompt's first 32 distinct words (query.ts), which a paste reaches
  // long before this: a 250 KB log is not scanned whole.
  const lines = prompt.slice(0, MAX_SCANNED).split("\n");
  const pasted = lines.length > 1;
  lines.forEach((line, index) => {
    const whereLine = index > 0 && isWhereLine(line, lines[index - 1]!);
    for (const token of line.split(/[\s"'`()[\]{}<>,;]+/u)) {
      if (token === "") continue;
      if (whereLine) {
        for (const word of queryTerms(token)) weak.add(word);
        continue;
      }
      // In a sentence a file's folder and type can be the subject ("I edited ios/Podfile",
      // "a query in accounts.sql"); in a paste or at a line number they are a location.
      if (VALUE.test(token)) {
        for (const word of queryTerms(token)) weak.add(word);
        continue;
      }
      const file = pasted || LOCATION.test(token) ? fileParts(token) : undefined;
      if (file === undefined) {
        for (const word of queryTerms(token)) strong.add(word);
        continue;
      }
      for (const word of queryTerms(file.where)) weak.add(word);
      for (const word of queryTerms(file.name)) strong.add(word);
    }
  });
  for (const word of strong) weak.delete(word);
  return weak;
}

/**
 * A token that names a file, split into its name (kept) and what only says where: its
 * folders and its extension and line ("src/components/ProductList.tsx:42:18"). A path
 * without a known extension is named by its last part ("node_modules/chalk/source").
 */
function fileParts(token: string): { name: string; where: string } | undefined {
  const trimmed = withoutTrailingDots(token);
  const slash = trimmed.lastIndexOf("/");
  const base = trimmed.slice(slash + 1);
  const folders = trimmed.slice(0, slash + 1);
  const extension = EXTENSION_AT_END.exec(base);
  if (extension === null) return slash > 0 ? { name: base, where: folders } : undefined;
  return { name: base.slice(0, extension.index), where: `${folders} ${extension[0]}` };
}

/**
 * The words that come from one file name ("package.json": package, json), each mapped to
 * that name. A file name is one piece of evidence however many words it splits into: a
 * memory holding "package" and "json" holds one thing the prompt named, not two
 * (word-evidence.ts counts words per name).
 */
export function fileNameWords(prompt: string): Map<string, string> {
  const names = new Map<string, string>();
  const alone = new Set<string>();
  for (const token of prompt.slice(0, MAX_SCANNED).split(/[\s"'`()[\]{}<>,;]+/u)) {
    const trimmed = withoutTrailingDots(token);
    const isName = EXTENSION_AT_END.test(trimmed.slice(trimmed.lastIndexOf("/") + 1));
    for (const word of queryTerms(trimmed)) {
      if (!isName) alone.add(word);
      else if (!names.has(word)) names.set(word, trimmed.toLowerCase());
    }
  }
  for (const word of alone) names.delete(word);
  return names;
}

/**
 * The token without the full stops and colons that end a sentence or a label ("package.json."),
 * trimmed by a loop: `/[.:]+$/` retries from every full stop of "x....y" and costs quadratic time.
 */
function withoutTrailingDots(token: string): string {
  let end = token.length;
  while (end > 0 && (token[end - 1] === "." || token[end - 1] === ":")) end--;
  return token.slice(0, end);
}
