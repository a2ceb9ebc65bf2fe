import { describe, expect, it } from "vitest";
import { fileNameWords, weakWords } from "../../../src/memory/search/pasted-words.ts";

// Prompts from scripts/recall/coding-set/prompts.md.
describe("weakWords", () => {
  it("takes a pasted error's stack frames and quoted code lines as where, its message as what", () => {
    const weak = weakWords(
      "TypeError: Cannot read properties of undefined (reading 'map')\n    at ProductList (src/components/ProductList.tsx:42:18)\n    at renderWithHooks (react-dom.development.js:16305:18)",
    );
    for (const word of ["src", "components", "tsx", "42", "productlist", "renderwithhooks", "16305"])
      expect(weak, word).toContain(word);
    for (const word of ["typeerror", "properties", "undefined", "map"])
      expect(weak, word).not.toContain(word);
    const rust = weakWords(
      "error[E0308]: mismatched types\n --> src/main.rs:12:20\n   |\n12 |     let n: u32 = input.trim();",
    );
    expect([...rust].sort()).toEqual(["12", "20", "input", "main", "rs", "src", "trim", "u32"]);
    const python = weakWords(
      "Traceback (most recent call last):\n  File \"main.py\", line 8, in <module>\n    print(totals[key])\nKeyError: 'march'",
    );
    expect(python).toContain("module");
    expect(python).toContain("py");
    expect(python).not.toContain("keyerror");
    expect(python).not.toContain("march");
  });

  it("takes an indented list or a Markdown table as the request, not as a paste's frames", () => {
    expect([...weakWords("Please do the following:\n  - update the pnpm lockfile")]).toEqual([]);
    expect([...weakWords("Two things:\n  * check the vite dev server port\n  * bump react")]).toEqual([]);
    expect([...weakWords("Steps:\n  1. regenerate the client\n  2) run the migrations")]).toEqual([]);
    expect([...weakWords("Tasks:\n| update the pnpm lockfile | me |")]).toEqual([]);
    // A gutter still marks a quoted line: "12 |" is where, whatever follows.
    expect(weakWords("error: bad\n12 | let total = lockfile")).toContain("lockfile");
  });

  it("takes indented prose, to-dos and JSON as the request; only frames, gutters and locations as where", () => {
    // Each of these recalled its memory before the pasted-error rule and nothing after it (review).
    for (const prompt of [
      "Hi,\n   how do I deploy to staging?",
      "context:\n\tWhat is our node version",
      "steps:\n   a) deploy to staging\n   b) run the e2e tests",
      "todo:\n  [ ] deploy to staging\n  [x] check the flaky checkout test",
      "Notes:\n  We need to deploy to staging before the demo",
      'here\'s my config\n```json\n{\n  "packageManager": "npm@10.2.0"\n}\n```\nis that right',
    ])
      expect([...weakWords(prompt)], prompt).toEqual([]);
    // A Go panic's indented location, a Java frame and prose that merely starts with "at" at the margin.
    expect(weakWords("panic: nil map\ngoroutine 1 [running]:\n\t/app/cmd/main.go:12 +0x1d")).toContain("cmd");
    expect(weakWords("NullPointerException\n\tat com.shop.Cart.total(Cart.java:41)")).toContain("shop");
    expect([...weakWords("deploy first\nat least to staging")]).toEqual([]);
  });

  it("reads hostile prompts whole: a line of spaces, a run of full stops", () => {
    // Regular expressions that backtrack took 170 ms on each of these (20,000 characters).
    expect([...weakWords(`hi\n${" ".repeat(19_990)}`)]).toEqual([]);
    expect([...weakWords(`x${".".repeat(19_000)}y`)]).toEqual([]);
    expect(fileNameWords(`x${".".repeat(19_000)}y`).size).toBe(0);
    expect([...weakWords(`see\n${" ".repeat(5_000)}at main (src/app.ts:3:1)`)]).toContain("src");
  });

  it("takes a file's folders and extension as where beside a line number, its own name as what", () => {
    expect([...weakWords("the build fails at src/cli.ts:14")].sort()).toEqual(["14", "src", "ts"]);
  });

  it("keeps a file's folder and type in a sentence, where they can be the subject", () => {
    expect([...weakWords("I edited ios/Podfile and my change disappeared")]).toEqual([]);
    expect([...weakWords("I added a query to accounts.sql, regenerate the Go code")]).toEqual([]);
    expect([...weakWords("save the final model as model.pt and upload it")]).toEqual([]);
  });

  it("keeps a word that the message also uses where it says what", () => {
    // "components" is in a frame's path and in the message: the message decides.
    const weak = weakWords("the components page crashes\n    at Page (src/components/Page.tsx:3:1)");
    expect(weak).not.toContain("components");
    expect(weak).toContain("src");
  });

  it("takes a decimal number as a value, a whole number or an identifier's digits as a name", () => {
    expect([...weakWords("why does 0.1 + 0.2 not equal 0.3")].sort()).toEqual(["0", "1", "2", "3"]);
    expect([...weakWords("return a 404 from this API handler")]).toEqual([]);
    expect([...weakWords('I get "address already in use" on port 3000')]).toEqual([]);
    expect([...weakWords('ERROR: prepared statement "stmtcache_1" already exists (SQLSTATE 42P05)')]).toEqual(
      [],
    );
    // The same digit written in a name elsewhere in the prompt stays a name.
    expect([...weakWords("is 0.5 the default for fp16 or for node 0")]).toEqual(["5"]);
    // A version names a thing; a share says how much.
    expect([...weakWords("we're on python 3.12 right")]).toEqual([]);
    expect([...weakWords("pin node 22.1 in the CI image")]).toEqual([]);
    expect([...weakWords("latency rose 2.5% after the deploy")].sort()).toEqual(["2", "5"]);
  });

  it("maps a file name's words to the name, unless a word is also written alone", () => {
    expect([...fileNameWords("open package.json")]).toEqual([
      ["package", "package.json"],
      ["json", "package.json"],
    ]);
    expect(
      [...fileNameWords("the checkout.spec.ts test fails at src/cli.ts:14")].map(([word]) => word),
    ).toEqual(["checkout", "spec", "ts", "src", "cli", "14"]);
    // "json" written alone is its own word; "package" still belongs to the name.
    expect([...fileNameWords("is package.json valid json")]).toEqual([["package", "package.json"]]);
    expect([...fileNameWords("format this JSON")]).toEqual([]);
  });
});
