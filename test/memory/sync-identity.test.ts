import { describe, expect, it } from "vitest";
import { parseMemoryFile, serializeMemory } from "../../src/memory/memory-file.ts";
import { mergeMemoryTexts } from "../../src/memory/sync/merge-memory.ts";
import { normaliseRemoteUrl, scopeBranch } from "../../src/memory/sync/project-identity.ts";
import { memory } from "./sync-machines.ts";

describe("a project's identity", () => {
  it("is the same for every spelling of one remote", () => {
    const spellings = [
      "git@github.com:me/app.git",
      "git@GitHub.com:me/app",
      "https://github.com/me/app",
      "https://me:secret-token@GitHub.com/me/app.git/",
      "ssh://git@github.com:22/me/app.git",
      "git+ssh://git@github.com/me/app",
    ];
    for (const url of spellings) expect(normaliseRemoteUrl(url), url).toBe("github.com/me/app");
  });

  it("keeps a path a path, tells other repositories apart, and has no credentials in it", () => {
    expect(normaliseRemoteUrl("/srv/git/app.git")).toBe("/srv/git/app");
    expect(normaliseRemoteUrl("file:///srv/git/app.git")).toBe("/srv/git/app");
    expect(normaliseRemoteUrl("https://github.com/me/other")).not.toBe(
      normaliseRemoteUrl("https://github.com/me/app"),
    );
    expect(normaliseRemoteUrl("https://user:hunter2@example.com/a/b")).not.toContain("hunter2");
    expect(normaliseRemoteUrl("  ")).toBeUndefined();
  });

  it("names one branch per scope, a valid ref whatever the identity holds", () => {
    expect(scopeBranch("user")).toBe("tacit/user");
    expect(scopeBranch("local", "github.com/me/app")).toMatch(/^tacit\/local\/app-[0-9a-f]{12}$/);
    expect(scopeBranch("local", "/home/me/My Project..x")).toMatch(
      /^tacit\/local\/my-project-x-[0-9a-f]{12}$/,
    );
    expect(scopeBranch("local", "github.com/me/app")).not.toBe(scopeBranch("local", "gitlab.com/me/app"));
  });
});

describe("merging one memory changed on both sides", () => {
  const text = (body: string, description = "how we deploy", updated = "2026-11-01T00:00:00.000Z") =>
    serializeMemory({ ...memory("deploy-steps", body, description), updated });

  it("takes each side's change when they changed different parts", () => {
    const merged = mergeMemoryTexts({
      name: "deploy-steps",
      base: text("Zeppelin."),
      local: text("Zeppelin.", "deploying to staging", "2026-11-02T00:00:00.000Z"),
      remote: text("Marmoset.", "how we deploy", "2026-11-03T00:00:00.000Z"),
      localMachine: "laptop",
    });
    expect(merged.conflict).toBe(false);
    const { memory: result } = parseMemoryFile(merged.text, "deploy-steps");
    expect(result).toMatchObject({ body: "Marmoset.", description: "deploying to staging" });
    expect(result.updated).toBe("2026-11-03T00:00:00.000Z");
  });

  it("keeps both bodies, labelled, when both changed the text; and when they share no base", () => {
    for (const base of [text("Zeppelin."), undefined]) {
      const merged = mergeMemoryTexts({
        name: "deploy-steps",
        ...(base ? { base } : {}),
        local: text("Quokka."),
        remote: text("Marmoset."),
        localMachine: "laptop",
      });
      expect(merged.conflict).toBe(true);
      expect(merged.text).toMatch(/^conflict: true$/m);
      expect(merged.text).toContain("Quokka.");
      expect(merged.text).toContain("Marmoset.");
      expect(merged.text).toContain("local: laptop, updated");
    }
  });

  it("keeps a file whose frontmatter cannot be read whole, as text", () => {
    const broken = "---\nname: [unclosed\n---\nHand-written notes.\n";
    const merged = mergeMemoryTexts({
      name: "deploy-steps",
      local: broken,
      remote: text("Marmoset."),
      localMachine: "m",
    });
    expect(merged.conflict).toBe(true);
    expect(merged.text).toContain("name: [unclosed");
    expect(merged.text).toContain("Marmoset.");
  });
});
