import TurndownService from "turndown";

let converter: TurndownService | undefined;

/** HTML to Markdown with Turndown (what Claude Code uses), scripts, styles and page chrome dropped. */
export function convertHtmlWithTurndown(html: string): string {
  if (!converter) {
    converter = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced", bulletListMarker: "-" });
    converter.remove(["script", "style", "noscript", "template", "iframe", "svg", "head"]);
  }
  return converter
    .turndown(html)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
