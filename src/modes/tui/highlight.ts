import type { Theme } from "./theme.ts";

/**
 * A small line-by-line highlighter for the languages models write most. It
 * colours comments, strings, numbers and keywords; that is what makes code
 * readable at a glance, and it costs nothing at startup (no grammar files).
 */

interface Language {
  keywords: Set<string>;
  lineComment?: string;
  blockComment?: [string, string];
}

const C_LIKE =
  "if else for while do switch case break continue return default goto sizeof struct union enum typedef const static void int char long short float double unsigned signed";

function words(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter(Boolean));
}

const SCRIPT: Language = {
  keywords: words(
    "const let var function return if else for while do switch case break continue new delete typeof instanceof in of class extends super this import export from default async await yield try catch finally throw null undefined true false void interface type enum implements private public protected readonly static as satisfies keyof declare namespace abstract",
  ),
  lineComment: "//",
  blockComment: ["/*", "*/"],
};

const LANGUAGES: Record<string, Language> = {
  javascript: SCRIPT,
  typescript: SCRIPT,
  python: {
    keywords: words(
      "def class return if elif else for while in not and or is import from as with try except finally raise pass break continue lambda yield None True False global nonlocal async await assert del self",
    ),
    lineComment: "#",
  },
  shell: {
    keywords: words(
      "if then else elif fi for while until do done case esac function in return export local echo cd exit set unset source alias readonly shift",
    ),
    lineComment: "#",
  },
  go: {
    keywords: words(
      "package import func return if else for range switch case default break continue go defer select chan map struct interface type var const nil true false make new len append error string int bool",
    ),
    lineComment: "//",
    blockComment: ["/*", "*/"],
  },
  rust: {
    keywords: words(
      "fn let mut pub use mod struct enum impl trait for in if else match loop while return self Self crate super where as ref move async await dyn const static unsafe true false Some None Ok Err",
    ),
    lineComment: "//",
    blockComment: ["/*", "*/"],
  },
  c: {
    keywords: words(
      `${C_LIKE} include define ifdef ifndef endif class public private protected virtual template typename namespace using new delete this true false nullptr auto bool`,
    ),
    lineComment: "//",
    blockComment: ["/*", "*/"],
  },
  java: {
    keywords: words(
      "class interface extends implements public private protected static final void return if else for while do switch case break continue new this super null true false try catch finally throw throws import package int long double float boolean char var record",
    ),
    lineComment: "//",
    blockComment: ["/*", "*/"],
  },
  json: { keywords: words("true false null") },
  sql: {
    keywords: words(
      "select from where insert into values update set delete create table index join left right inner outer on group by order having limit as and or not null primary key references drop alter with union distinct SELECT FROM WHERE INSERT INTO VALUES UPDATE SET DELETE CREATE TABLE INDEX JOIN LEFT ON GROUP BY ORDER LIMIT AS AND OR NOT NULL PRIMARY KEY WITH",
    ),
    lineComment: "--",
  },
  css: { keywords: words("important media import"), blockComment: ["/*", "*/"] },
  yaml: { keywords: words("true false null yes no"), lineComment: "#" },
};

const ALIASES: Record<string, string> = {
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  py: "python",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  console: "shell",
  golang: "go",
  rs: "rust",
  cpp: "c",
  "c++": "c",
  h: "c",
  hpp: "c",
  cs: "java",
  csharp: "java",
  kotlin: "java",
  kt: "java",
  scss: "css",
  yml: "yaml",
  jsonc: "json",
  toml: "yaml",
};

function languageFor(name: string): Language | undefined {
  const key = name.trim().toLowerCase();
  return LANGUAGES[key] ?? LANGUAGES[ALIASES[key] ?? ""];
}

const TOKEN =
  /("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b|\b0x[0-9a-f]+\b)|([A-Za-z_$][\w$]*)/gi;

/** Highlights the lines of one code block; state (an open block comment) carries from line to line. */
export function highlightCode(code: string, languageName: string, theme: Theme): string[] {
  const lines = code.split("\n");
  const language = languageFor(languageName);
  if (!language || !theme.color) return lines;
  let inBlockComment = false;
  return lines.map((line) => {
    let result = "";
    let rest = line;
    if (inBlockComment && language.blockComment) {
      const end = rest.indexOf(language.blockComment[1]);
      if (end === -1) return theme.paint("gray", line);
      result += theme.paint("gray", rest.slice(0, end + language.blockComment[1].length));
      rest = rest.slice(end + language.blockComment[1].length);
      inBlockComment = false;
    }
    const commentStart = findCommentStart(rest, language);
    let commentText = "";
    if (commentStart.index !== -1) {
      commentText = rest.slice(commentStart.index);
      rest = rest.slice(0, commentStart.index);
      if (commentStart.block && language.blockComment) {
        const close = commentText.indexOf(language.blockComment[1], language.blockComment[0].length);
        if (close === -1) {
          inBlockComment = true;
        } else {
          // A closed block comment mid-line: colour it and keep highlighting after it.
          const after = commentText.slice(close + language.blockComment[1].length);
          commentText = commentText.slice(0, close + language.blockComment[1].length);
          return (
            result +
            highlightPlain(rest, language, theme) +
            theme.paint("gray", commentText) +
            highlightPlain(after, language, theme)
          );
        }
      }
    }
    return result + highlightPlain(rest, language, theme) + theme.paint("gray", commentText);
  });
}

function highlightPlain(text: string, language: Language, theme: Theme): string {
  return text.replace(TOKEN, (match, stringToken?: string, numberToken?: string, word?: string) => {
    if (stringToken) return theme.paint("green", match);
    if (numberToken) return theme.paint("yellow", match);
    if (word && language.keywords.has(word)) return theme.paint("magenta", match);
    return match;
  });
}

/** Where a comment starts outside strings, or -1. */
function findCommentStart(line: string, language: Language): { index: number; block: boolean } {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;
    if (quote) {
      if (character === "\\") index++;
      else if (character === quote) quote = undefined;
      continue;
    }
    if (character === '"' || character === "'" || character === "`") {
      quote = character;
      continue;
    }
    if (language.lineComment && line.startsWith(language.lineComment, index)) {
      // `#` inside a word (a URL fragment, `$#`) is not a comment in shell-like languages.
      if (language.lineComment === "#" && index > 0 && !/\s/.test(line[index - 1]!)) continue;
      return { index, block: false };
    }
    if (language.blockComment && line.startsWith(language.blockComment[0], index))
      return { index, block: true };
  }
  return { index: -1, block: false };
}
