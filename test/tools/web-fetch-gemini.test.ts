// Gemini CLI's web_fetch as tacit offers it to Gemini models: the name and the one `prompt`
// parameter Gemini models were trained on, the URLs read out of that prompt, and the call's
// permission subject (its first URL; the others are judged while it runs, see test/e2e/web-fetch).
import { describe, expect, it } from "vitest";
import { toolSpecOf } from "../../src/tools/define-tool.ts";
import { MAX_PROMPT_URLS, urlsInPrompt } from "../../src/tools/web-fetch/prompt-urls.ts";
import { geminiWebFetchTool } from "../../src/tools/web-fetch.ts";
import { makeContext } from "./helpers.ts";

describe("Gemini's web_fetch", () => {
  it("is named web_fetch and takes only a required prompt", () => {
    const spec = toolSpecOf(geminiWebFetchTool());
    expect(spec.name).toBe("web_fetch");
    const schema = JSON.parse(JSON.stringify(spec.inputSchema));
    expect(Object.keys(schema.properties)).toEqual(["prompt"]);
    expect(schema.required).toEqual(["prompt"]);
    expect(spec.description).toContain("up to 20 URLs");
  });

  it("asks permission for the prompt's first URL, by its host", () => {
    const tool = geminiWebFetchTool();
    const subject = tool.permission(
      { prompt: "Compare https://docs.python.org/3/ with https://peps.python.org/pep-0008/" },
      makeContext("/repo"),
    );
    expect(subject).toEqual({
      kind: "fetch",
      url: "https://docs.python.org/3/",
      domain: "docs.python.org",
      privateAddress: false,
    });
    expect(tool.permission({ prompt: "no link here" }, makeContext("/repo"))).toEqual({ kind: "none" });
  });

  it("reads every URL out of the prompt, without the sentence's punctuation", () => {
    expect(
      urlsInPrompt(
        "Summarise https://a.example/x. Then (see https://b.example/y) and https://en.wikipedia.org/wiki/Go_(game), " +
          "again https://a.example/x and http://c.example:8080/z?q=1!",
      ),
    ).toEqual([
      "https://a.example/x",
      "https://b.example/y",
      "https://en.wikipedia.org/wiki/Go_(game)",
      "http://c.example:8080/z?q=1",
    ]);
    expect(urlsInPrompt("ftp://x.example/file and x.example")).toEqual([]);
  });

  it("takes at most 20 URLs, as Gemini CLI does", () => {
    const many = Array.from({ length: 25 }, (_, index) => `https://site${index}.example/`).join(" ");
    const urls = urlsInPrompt(many);
    expect(urls).toHaveLength(MAX_PROMPT_URLS);
    expect(urls.at(-1)).toBe("https://site19.example/");
  });
});
