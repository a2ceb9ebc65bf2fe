import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import type { Wire } from "../fake-server/server.ts";
import { e2eFixture } from "./fixture.ts";
import { PNG_BASE64 } from "./tiny-png.ts";

/** Models on each wire that accept images (openai-chat: the test's own provider serving a catalog id). */
const VISION_MODELS: Record<Wire, string | undefined> = {
  anthropic: undefined,
  "openai-responses": undefined,
  "openai-chat": "fakechat/gpt-4o",
  google: undefined,
};

/** Where each wire puts an image's bytes in a user message: the part that proves it went as an image. */
function imageOnWire(wire: Wire, body: unknown): boolean {
  const text = JSON.stringify(body);
  if (!text.includes(PNG_BASE64)) return false;
  switch (wire) {
    case "anthropic":
      return text.includes('"type":"image"') && text.includes('"media_type":"image/png"');
    case "openai-responses":
      return text.includes('"type":"input_image"') && text.includes("data:image/png;base64,");
    case "openai-chat":
      return text.includes('"type":"image_url"') && text.includes("data:image/png;base64,");
    case "google":
      return text.includes('"inlineData"') && text.includes('"mimeType":"image/png"');
  }
}

/** The text of the `<attached-file>` block for one file in a request's last user message. */
function attachedText(body: unknown, file: string): string {
  const text = JSON.stringify(body);
  const start = text.indexOf(`<attached-file path=\\"${file}\\">`);
  expect(start).toBeGreaterThan(-1);
  const block = text.slice(start, text.indexOf("</attached-file>", start));
  return JSON.parse(`"${block}"`) as string;
}

describe("@file and images end to end", () => {
  const e2e = e2eFixture({ perTest: true });

  const wires: Wire[] = ["anthropic", "openai-responses", "openai-chat", "google"];
  for (const wire of wires) {
    it(`@file content and an @image reach the request on the ${wire} wire`, async () => {
      mkdirSync(e2e.inProject("src"), { recursive: true });
      writeFileSync(
        e2e.inProject("src", "greet.ts"),
        "export const greeting = 'hello';\nexport const n = 2;\n",
      );
      writeFileSync(e2e.inProject("shot.png"), Buffer.from(PNG_BASE64, "base64"));
      e2e.server.enqueue({ text: "seen" });
      const setup = e2e.wire(wire);
      const model = VISION_MODELS[wire] ?? setup.model;
      const result = await e2e.run(["-p", "explain @src/greet.ts and @shot.png please", "--model", model], {
        wire,
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const request = e2e.server.requests.at(-1)!;
      expect(request.wire).toBe(wire);
      const body = JSON.stringify(request.body);
      // Numbered as the Read tool numbers lines.
      expect(body).toMatch(/1\\t\s*export const greeting = 'hello';/);
      expect(body).toContain("attached-file");
      expect(imageOnWire(wire, request.body)).toBe(true);
    });
  }

  it("--image sends an image part, and the stored session keeps its bytes out of the database", async () => {
    writeFileSync(e2e.inProject("diagram.png"), Buffer.from(PNG_BASE64, "base64"));
    e2e.server.enqueue({ text: "a diagram" }, { text: "still a diagram" });
    const first = await e2e.print("what is this?", ["--image", "diagram.png", "--output-format", "json"]);
    expect(first.code).toBe(0);
    expect(imageOnWire("anthropic", e2e.server.requests.at(-1)!.body)).toBe(true);
    const images = path.join(e2e.env.TACIT_HOME!, "images");
    expect(readdirSync(images)).toHaveLength(1);
    const database = new DatabaseSync(path.join(e2e.env.TACIT_HOME!, "tacit.db"), { readOnly: true });
    const stored = database
      .prepare("SELECT content FROM messages WHERE role = 'user'")
      .all()
      .map((row) => String(row.content));
    database.close();
    expect(stored.join("\n")).toContain('"type":"image"');
    expect(stored.join("\n")).not.toContain(PNG_BASE64);
    // Resumed, the earlier image goes again from its file.
    const sessionId = JSON.parse(first.stdout).session_id as string;
    const second = await e2e.print("and now?", ["--resume", sessionId]);
    expect(second.code).toBe(0);
    expect(imageOnWire("anthropic", e2e.server.requests.at(-1)!.body)).toBe(true);
  });

  it("a model that does not take images refuses --image with one line, before any request", async () => {
    writeFileSync(e2e.inProject("shot.png"), Buffer.from(PNG_BASE64, "base64"));
    const before = e2e.server.requests.length;
    const result = await e2e.print("describe", ["--image", "shot.png"], { wire: "openai-chat" });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual([
      `tacit: --image: fakechat/local-coder is not known to accept images; if it does, set "models": {"fakechat/local-coder": {"vision": true}} in settings, or run \`tacit models --refresh\` to ask its provider; or choose a model that does with --model`,
    ]);
    expect(e2e.server.requests.length).toBe(before);
  });

  it("--image on a file that is not an image by its bytes stops the run with one line, before any request", async () => {
    writeFileSync(e2e.inProject("fake.png"), "not a png at all\n");
    const before = e2e.server.requests.length;
    const result = await e2e.print("what is this", ["--image", "fake.png"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual([
      "tacit: --image: fake.png is not a PNG, JPEG, GIF or WebP image (by its bytes)",
    ]);
    expect(e2e.server.requests.length).toBe(before);
  });

  it("an @image to a model that does not take images is left out with one line; the prompt still goes", async () => {
    writeFileSync(e2e.inProject("shot.png"), Buffer.from(PNG_BASE64, "base64"));
    e2e.server.enqueue({ text: "ok" });
    const result = await e2e.print("look at @shot.png", [], { wire: "openai-chat" });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "Not attached: @shot.png (fakechat/local-coder is not known to accept images; ",
    );
    expect(JSON.stringify(e2e.server.requests.at(-1)!.body)).not.toContain(PNG_BASE64);
  });

  it("a Read deny rule refuses @.env with one line and its content never reaches the model", async () => {
    writeFileSync(e2e.inProject(".env"), "API_TOKEN=do-not-send-this-value\n");
    e2e.server.enqueue({ text: "ok" });
    const result = await e2e.print("check @.env", ["--disallowed-tools", "Read(./.env)"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /Not attached: @\.env \(Denied by the permission rule "Read\(\.\/\.env\)"\)\./,
    );
    const body = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(body).not.toContain("do-not-send-this-value");
    // The model is told why the mention came without its file, so it does not try to read it.
    expect(body).toMatch(/<attachment-refused path=\\".env\\">\\nDenied by the permission rule/);
  });

  it("a path outside the project is refused headless (the gate would ask), never read", async () => {
    const outside = path.join(mkdtempSync(path.join(tmpdir(), "tacit-outside-")), "private.txt");
    writeFileSync(outside, "outside secret words\n");
    e2e.server.enqueue({ text: "ok" });
    const result = await e2e.print(`read @${outside}`);
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`tacit: Not attached: @${outside} (Not permitted: read `);
    expect(lines[0]).toContain("is outside the project, so reading it needs the user's approval");
    expect(JSON.stringify(e2e.server.requests.at(-1)!.body)).not.toContain("outside secret words");
  });

  it("a custom command's body attaches its @file as Claude Code does, through the same Read gate", async () => {
    mkdirSync(e2e.inProject("src"), { recursive: true });
    mkdirSync(e2e.inProject(".claude", "commands"), { recursive: true });
    writeFileSync(e2e.inProject("src", "app.ts"), "export const app = 'the app source';\n");
    const outside = path.join(mkdtempSync(path.join(tmpdir(), "tacit-outside-")), "private.txt");
    writeFileSync(outside, "outside words a command file names\n");
    writeFileSync(
      e2e.inProject(".claude", "commands", "rev.md"),
      `Review @src/app.ts and @${outside} for $1\n`,
    );
    e2e.server.enqueue({ text: "ok" });
    const result = await e2e.print("/rev bugs");
    expect(result.code).toBe(0);
    const body = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(body).toMatch(
      /<attached-file path=\\"src\/app.ts\\">\\n\s*1\\texport const app = 'the app source';/,
    );
    // A repository's command: outside the project is refused before the gate, never asked (fix in agent/attachments).
    expect(result.stderr).toContain(
      `Not attached: @${outside} (a repository's command may attach only files inside the project)`,
    );
    expect(body).not.toContain("outside words a command file names");
  });

  it("a folder attaches its listing; emails, escaped and unknown mentions stay plain text", async () => {
    mkdirSync(e2e.inProject("docs", "guides"), { recursive: true });
    writeFileSync(e2e.inProject("docs", "intro.md"), "# intro\n");
    writeFileSync(e2e.inProject("docs", "guides", "setup.md"), "# setup\n");
    writeFileSync(e2e.inProject("b.com"), "not a mention\n");
    e2e.server.enqueue({ text: "ok" });
    const prompt = "see @docs/ and mail a@b.com, not \\@b.com nor @nobody";
    const result = await e2e.print(prompt);
    expect(result.code).toBe(0);
    const body = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(body).toContain("attached-folder");
    // Named relative to the project: the user's home path does not go out with the listing.
    expect(body).toContain('<attached-folder path=\\"docs\\">\\ndocs/\\n');
    expect(body).not.toContain(e2e.inProject("docs"));
    expect(body).toContain("intro.md");
    expect(body).toContain("setup.md");
    expect(body).not.toContain("not a mention");
  });

  it("caps: a long file is cut to its window, an image over 5 MB is refused with one line", async () => {
    const lines = Array.from({ length: 6000 }, (_, index) => `line number ${index + 1} of a long file`);
    writeFileSync(e2e.inProject("long.txt"), `${lines.join("\n")}\n`);
    const big = Buffer.alloc(5 * 1024 * 1024 + 1);
    Buffer.from(PNG_BASE64, "base64").copy(big);
    writeFileSync(e2e.inProject("big.png"), big);
    e2e.server.enqueue({ text: "ok" });
    const result = await e2e.print("summarise @long.txt and @big.png");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Not attached: @big.png (5.0 MB, over the 5.0 MB cap for one image).");
    const body = JSON.stringify(e2e.server.requests.at(-1)!.body);
    expect(body).toContain("line number 1 of a long file");
    expect(body).not.toContain("line number 6000 of a long file");
    expect(body.length).toBeLessThan(200_000);
    // The cap is the read's window: the lines sent run unbroken from 1, and the note names exactly them.
    const attached = attachedText(e2e.server.requests.at(-1)!.body, "long.txt");
    expect(attached).not.toContain("cut from the middle");
    const numbers = [...attached.matchAll(/^\s+(\d+)\t/gm)].map((match) => Number(match[1]));
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
    const last = numbers.at(-1)!;
    expect(last).toBeLessThan(2000);
    expect(attached).toContain(
      `(lines 1-${last} of 6000, cut at 50000 characters of output; use offset ${last + 1} to read more)`,
    );
  });
});
