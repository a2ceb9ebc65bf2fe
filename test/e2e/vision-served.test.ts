// Images for models the catalog does not know, through the built CLI against the fake server
// playing Ollama (/api/tags, /api/show with `capabilities`): `tacit models --refresh` records what
// Ollama says each model takes, a vision model then gets the image part, a model nobody vouches for
// refuses it with one line naming the setting, and that setting lets it through.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";
import { PNG_BASE64 } from "./tiny-png.ts";

const e2e = e2eFixture({ perTest: true });
const ollama = () => ({ env: { OLLAMA_HOST: e2e.server.url } });

/** One headless prompt to an Ollama model with @shot.png; the request the fake server got, if any. */
async function askAboutShot(model: string) {
  writeFileSync(e2e.inProject("shot.png"), Buffer.from(PNG_BASE64, "base64"));
  const before = e2e.server.requests.length;
  e2e.server.enqueue({ text: "A dot." });
  const result = await e2e.run(["-p", "what is in @shot.png", "--model", `ollama/${model}`], ollama());
  expect(result.code, result.stderr).toBe(0);
  const request = e2e.server.requests.slice(before).at(-1);
  expect(request?.path).toBe("/v1/chat/completions");
  return { result, sentImage: JSON.stringify(request?.body).includes(`data:image/png;base64,${PNG_BASE64}`) };
}

describe("vision for models outside the catalog", () => {
  it("takes Ollama's word from /api/show, refuses an unknown model in one line, and obeys the setting", async () => {
    // Before any listing, llava is a model tacit knows nothing of: no image, one line saying what to do.
    const unknown = await askAboutShot("llava:7b");
    expect(unknown.sentImage).toBe(false);
    expect(unknown.result.stderr.trim().split("\n")).toEqual([
      'tacit: Not attached: @shot.png (ollama/llava:7b is not known to accept images; if it does, set "models": {"ollama/llava:7b": {"vision": true}} in settings, or run `tacit models --refresh` to ask its provider).',
    ]);

    const listed = await e2e.run(["models", "--provider", "ollama", "--refresh"], ollama());
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/ollama\/llava:7b {2}unknown — conservative defaults \(.*\), images/);
    expect(listed.stdout).toMatch(/ollama\/qwen3:8b .*\)\n/);
    expect(listed.stdout).not.toMatch(/ollama\/qwen3:8b .*images/);

    // Ollama said llava takes images (and gemma3, asked without its tag, is its :latest): both get the part.
    expect((await askAboutShot("llava:7b")).sentImage).toBe(true);
    expect((await askAboutShot("gemma3")).sentImage).toBe(true);
    // Ollama said qwen3 does not: refused as a model that does not, without the hint.
    const textOnly = await askAboutShot("qwen3:8b");
    expect(textOnly.sentImage).toBe(false);
    expect(textOnly.result.stderr).toContain("(ollama/qwen3:8b does not accept images).");

    // An Ollama too old to report capabilities leaves the model unknown, until the user's setting says.
    const silent = await askAboutShot("mystery:1b");
    expect(silent.sentImage).toBe(false);
    expect(silent.result.stderr).toContain('"models": {"ollama/mystery:1b": {"vision": true}}');
    e2e.writeUserSettings({
      models: { "ollama/mystery:1b": { vision: true }, "ollama/llava:7b": { vision: false } },
    });
    const allowed = await askAboutShot("mystery:1b");
    expect(allowed.sentImage).toBe(true);
    expect(allowed.result.stderr).toBe("");
    // The setting wins over the provider's word too.
    expect((await askAboutShot("llava:7b")).sentImage).toBe(false);
  });
});
