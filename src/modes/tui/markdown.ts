import { highlightCode } from "./highlight.ts";
import { type Theme, visibleWidth } from "./theme.ts";

/**
 * Markdown to terminal lines. A small line-based parser rather than a full
 * CommonMark one: it must render a half-streamed answer (an unclosed code
 * fence, a table with its last row missing) without ever throwing, and it
 * wraps to the terminal width itself so list items keep their hanging indent.
 */

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "code"; language: string; code: string }
  | { kind: "rule" }
  | { kind: "quote"; lines: string[] }
  | { kind: "list-item"; indent: number; marker: string; text: string }
  | { kind: "table"; header: string[]; alignments: Array<"left" | "right" | "center">; rows: string[][] }
  | { kind: "paragraph"; text: string }
  | { kind: "blank" };

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const code: string[] = [];
      index++;
      while (index < lines.length && !lines[index]!.trim().startsWith(marker)) code.push(lines[index++]!);
      index++;
      blocks.push({ kind: "code", language: fence[2] ?? "", code: code.join("\n") });
      continue;
    }
    if (line.trim() === "") {
      blocks.push({ kind: "blank" });
      index++;
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ kind: "heading", level: heading[1]!.length, text: heading[2]! });
      index++;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ kind: "rule" });
      index++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && /^\s{0,3}>/.test(lines[index]!)) {
        quoted.push(lines[index]!.replace(/^\s{0,3}>\s?/, ""));
        index++;
      }
      blocks.push({ kind: "quote", lines: quoted });
      continue;
    }
    if (line.includes("|") && index + 1 < lines.length && TABLE_SEPARATOR.test(lines[index + 1]!)) {
      const header = splitRow(line);
      const alignments = splitRow(lines[index + 1]!).map((cell) =>
        cell.endsWith(":") ? (cell.startsWith(":") ? "center" : "right") : "left",
      ) as Array<"left" | "right" | "center">;
      index += 2;
      const rows: string[][] = [];
      while (index < lines.length && lines[index]!.includes("|") && lines[index]!.trim() !== "") {
        rows.push(splitRow(lines[index]!));
        index++;
      }
      blocks.push({ kind: "table", header, alignments, rows });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      let itemText = item[3]!;
      index++;
      // Lazy continuation lines belong to the item.
      while (index < lines.length && isContinuation(lines[index]!)) itemText += ` ${lines[index++]!.trim()}`;
      blocks.push({
        kind: "list-item",
        indent: item[1]!.replace(/\t/g, "    ").length,
        marker: item[2]!,
        text: itemText,
      });
      continue;
    }
    let paragraph = line.trim();
    index++;
    while (index < lines.length && isContinuation(lines[index]!)) paragraph += ` ${lines[index++]!.trim()}`;
    blocks.push({ kind: "paragraph", text: paragraph });
  }
  return blocks;
}

function isContinuation(line: string): boolean {
  return (
    line.trim() !== "" &&
    !FENCE.test(line) &&
    !LIST_ITEM.test(line) &&
    !/^\s{0,3}(#{1,6}\s|>)/.test(line) &&
    !/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line) &&
    !line.trim().startsWith("|")
  );
}

function splitRow(line: string): string[] {
  let trimmed = line.trim();
  if (trimmed.startsWith("|")) trimmed = trimmed.slice(1);
  if (trimmed.endsWith("|") && !trimmed.endsWith("\\|")) trimmed = trimmed.slice(0, -1);
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, "|"));
}

/** Inline spans: code, bold, italic, strikethrough, links. */
function renderInline(text: string, theme: Theme): string {
  const codeSpans: string[] = [];
  // Code spans first, parked behind placeholders so emphasis rules never touch their content.
  let result = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_match, _ticks, code: string) => {
    codeSpans.push(theme.paint("cyan", code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1")));
    return `\u0000${codeSpans.length - 1}\u0000`;
  });
  // Links are parked too: their brackets must not be confused with the ones inside colour codes.
  result = result.replace(
    /!?\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g,
    (_match, label: string, url: string) => {
      codeSpans.push(
        label === url
          ? theme.paint(["blue", "underline"], url)
          : `${theme.paint("blue", label)} ${theme.paint("gray", `(${url})`)}`,
      );
      return `\u0000${codeSpans.length - 1}\u0000`;
    },
  );
  result = result
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, (_match, inner: string) => theme.paint("bold", inner))
    .replace(
      /(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g,
      (_match, before: string, inner: string) => before + theme.paint("bold", inner),
    )
    .replace(
      /(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?!\*)/g,
      (_match, before: string, inner: string) => before + theme.paint("italic", inner),
    )
    .replace(
      /(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g,
      (_match, before: string, inner: string) => before + theme.paint("italic", inner),
    )
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, (_match, inner: string) => theme.paint("strike", inner));
  return result.replace(
    /\u0000(\d+)\u0000/g,
    (_match, position: string) => codeSpans[Number(position)] ?? "",
  );
}

/** Word-wraps styled text to width; continuation lines get the hanging indent. */
export function wrapText(text: string, width: number, firstPrefix = "", restPrefix = firstPrefix): string[] {
  const available = Math.max(10, width);
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = firstPrefix;
    let lineWidth = visibleWidth(firstPrefix);
    let empty = true;
    const prefix = lines.length === 0 ? firstPrefix : restPrefix;
    if (lines.length > 0) {
      line = prefix;
      lineWidth = visibleWidth(prefix);
    }
    for (const word of paragraph.split(" ")) {
      const wordWidth = visibleWidth(word);
      if (!empty && lineWidth + 1 + wordWidth > available) {
        lines.push(line);
        line = restPrefix + word;
        lineWidth = visibleWidth(restPrefix) + wordWidth;
        continue;
      }
      line += empty ? word : ` ${word}`;
      lineWidth += empty ? wordWidth : wordWidth + 1;
      empty = false;
    }
    lines.push(line);
  }
  return lines;
}

export function renderMarkdown(text: string, width: number, theme: Theme): string[] {
  const output: string[] = [];
  let previousBlank = true;
  for (const block of parseMarkdown(text)) {
    if (block.kind === "blank") {
      if (!previousBlank) output.push("");
      previousBlank = true;
      continue;
    }
    previousBlank = false;
    output.push(...renderBlock(block, width, theme));
  }
  while (output.length > 0 && output[output.length - 1] === "") output.pop();
  return output;
}

function renderBlock(block: Exclude<Block, { kind: "blank" }>, width: number, theme: Theme): string[] {
  switch (block.kind) {
    case "heading": {
      const styles = block.level <= 2 ? (["bold", "accent"] as const) : (["bold"] as const);
      const text = theme.paint([...styles], renderInline(block.text, theme));
      return wrapText(block.level === 1 && !theme.color ? text.toUpperCase() : text, width);
    }
    case "code": {
      const label = block.language ? theme.paint("gray", block.language) : "";
      const body = highlightCode(block.code, block.language, theme).map((line) => `  ${line}`);
      return [label, ...body].filter((line, position) => position > 0 || line !== "");
    }
    case "rule":
      return [theme.paint("gray", "─".repeat(Math.min(width, 60)))];
    case "quote": {
      const bar = theme.paint("gray", "│ ");
      return wrapText(renderInline(block.lines.join("\n"), theme), width, bar, bar).map((line) =>
        theme.color ? line : line,
      );
    }
    case "list-item": {
      const indent = " ".repeat(Math.min(block.indent, 12));
      const bullet = /\d/.test(block.marker) ? block.marker : "•";
      let text = block.text;
      let marker = `${indent}${theme.paint("accent", bullet)} `;
      const checkbox = /^\[([ xX])\]\s+/.exec(text);
      if (checkbox) {
        const done = checkbox[1] !== " ";
        marker = `${indent}${done ? theme.paint("green", "☒") : "☐"} `;
        text = text.slice(checkbox[0].length);
      }
      const hanging = " ".repeat(indent.length + visibleWidth(bullet) + 1);
      return wrapText(renderInline(text, theme), width, marker, hanging);
    }
    case "table":
      return renderTable(block, width, theme);
    case "paragraph":
      return wrapText(renderInline(block.text, theme), width);
  }
}

function renderTable(block: Extract<Block, { kind: "table" }>, width: number, theme: Theme): string[] {
  const columnCount = Math.max(block.header.length, ...block.rows.map((row) => row.length));
  const rows = [block.header, ...block.rows].map((row) =>
    Array.from({ length: columnCount }, (_unused, column) => renderInline(row[column] ?? "", theme)),
  );
  const widths = Array.from({ length: columnCount }, (_unused, column) =>
    Math.max(3, ...rows.map((row) => visibleWidth(row[column]!))),
  );
  // Borders take 3 cells per column plus one; shrink the widest columns until the table fits.
  const budget = Math.max(columnCount * 4, width - (columnCount * 3 + 1));
  while (widths.reduce((sum, value) => sum + value, 0) > budget) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 4) break;
    widths[widest]!--;
  }
  const line = (left: string, middle: string, right: string) =>
    theme.paint("gray", left + widths.map((value) => "─".repeat(value + 2)).join(middle) + right);
  const bar = theme.paint("gray", "│");
  /** A row takes as many lines as its tallest cell: a cell wider than its column wraps, never cut. */
  const renderRow = (row: string[], header: boolean): string[] => {
    const cellLines = row.map((cell, column) => wrapCell(cell, widths[column]!));
    const height = Math.max(...cellLines.map((lines) => lines.length));
    return Array.from({ length: height }, (_unused, index) => {
      const cells = cellLines.map((lines, column) => {
        const columnWidth = widths[column]!;
        let content = lines[index] ?? "";
        if (header) content = theme.paint("bold", content);
        const padding = columnWidth - visibleWidth(content);
        const alignment = block.alignments[column] ?? "left";
        if (alignment === "right") return " ".repeat(padding) + content;
        if (alignment === "center") {
          const left = Math.floor(padding / 2);
          return " ".repeat(left) + content + " ".repeat(padding - left);
        }
        return content + " ".repeat(padding);
      });
      return `${bar} ${cells.join(` ${bar} `)} ${bar}`;
    });
  };
  return [
    line("┌", "┬", "┐"),
    ...renderRow(rows[0]!, true),
    line("├", "┼", "┤"),
    ...rows.slice(1).flatMap((row) => renderRow(row, false)),
    line("└", "┴", "┘"),
  ];
}

/**
 * A cell's lines at its column's width: as it is when it fits (styles kept), else its words wrapped
 * (styles dropped, so none runs on into the border) and a word longer than the column split.
 */
function wrapCell(cell: string, width: number): string[] {
  if (visibleWidth(cell) <= width) return [cell];
  const lines: string[] = [];
  let line = "";
  for (const word of stripStyles(cell).split(/\s+/).filter(Boolean)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (visibleWidth(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    while (visibleWidth(line) > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function stripStyles(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/**
 * How much of a streaming answer is made of finished blocks: text up to the
 * last blank line (or closed code fence) outside any open fence. That part can
 * go to the terminal's scrollback for good; only the rest is redrawn.
 */
export function completedLength(text: string): number {
  let inFence: string | undefined;
  let position = 0;
  let boundary = 0;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length - 1; index++) {
    const line = lines[index]!;
    const lineEnd = position + line.length + 1;
    const fence = FENCE.exec(line);
    if (inFence) {
      if (line.trim().startsWith(inFence)) {
        inFence = undefined;
        boundary = lineEnd;
      }
    } else if (fence) {
      inFence = fence[1]!;
    } else if (line.trim() === "" && index > 0) {
      boundary = lineEnd;
    }
    position = lineEnd;
  }
  return boundary;
}
