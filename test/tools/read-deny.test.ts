import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ToolContext } from "../../src/core/tool.ts";
import { globFiles } from "../../src/tools/glob.ts";
import { type GrepEngine, grepFiles } from "../../src/tools/grep.ts";
import { findRipgrep } from "../../src/tools/grep-ripgrep.ts";
import { listDirectory } from "../../src/tools/ls.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";

/** A project with two protected files (as `Read(config/secrets.yml)` and `Read(./.env)` would protect them). */
async function makeProject(): Promise<{ root: string; denied: Set<string>; context: ToolContext }> {
  const root = await makeTempDirectory("tacit-deny-");
  await mkdir(path.join(root, "config"), { recursive: true });
  await writeFile(path.join(root, "config/secrets.yml"), "password: hunter2-secret\n");
  await writeFile(path.join(root, "config/app.yml"), "password: see-vault\n");
  await writeFile(path.join(root, ".env"), "API_PASSWORD=env-secret\n");
  await writeFile(path.join(root, ".env.example"), "API_PASSWORD=\n");
  const denied = new Set([path.join(root, "config/secrets.yml"), path.join(root, ".env")]);
  const context: ToolContext = {
    ...makeContext(root),
    isReadDenied: (absolutePath) => denied.has(absolutePath),
  };
  return { root, denied, context };
}

const engines: GrepEngine[] = ["javascript", "ripgrep"];

for (const engine of engines) {
  describe.skipIf(engine === "ripgrep" && !findRipgrep())(`grep (${engine}) with read deny rules`, () => {
    it("never prints a denied file's lines in content mode", async () => {
      const { context } = await makeProject();
      const result = await grepFiles(context, {
        pattern: "password",
        caseInsensitive: true,
        outputMode: "content",
        glob: "*.yml",
        engine,
      });
      expect(result.output).toContain("config/app.yml:1:password: see-vault");
      expect(result.output).not.toContain("hunter2");
      expect(result.output).not.toContain("secrets.yml");
    });

    it("leaves denied files out of file lists and counts, hidden ones included", async () => {
      const { context } = await makeProject();
      const files = await grepFiles(context, { pattern: "PASSWORD", caseInsensitive: true, engine });
      expect(files.output).toContain("config/app.yml");
      expect(files.output).not.toContain("secrets.yml");
      const counts = await grepFiles(context, {
        pattern: "PASSWORD",
        outputMode: "count",
        path: ".env",
        engine,
      });
      expect(counts.output).toBe("No matches found.");
      const example = await grepFiles(context, { pattern: "PASSWORD", path: ".env.example", engine });
      expect(example.output).toContain(".env.example");
    });

    it("refuses a denied file named directly as the search path", async () => {
      const { context } = await makeProject();
      const result = await grepFiles(context, {
        pattern: "password",
        path: "config/secrets.yml",
        outputMode: "content",
        engine,
      });
      expect(result.output).toBe("No matches found.");
    });
  });
}

describe("grep (javascript) with read deny rules", () => {
  it("asks about each candidate before reading it", async () => {
    const { root, denied } = await makeProject();
    const asked: string[] = [];
    const context: ToolContext = {
      ...makeContext(root),
      isReadDenied: (absolutePath) => {
        asked.push(absolutePath);
        return denied.has(absolutePath);
      },
    };
    await grepFiles(context, { pattern: "password", engine: "javascript" });
    expect(asked).toContain(path.join(root, "config/secrets.yml"));
  });
});

describe("glob with read deny rules", () => {
  it("does not list a denied dotfile or nested file", async () => {
    const { context } = await makeProject();
    expect((await globFiles(context, { pattern: ".env" })).output).toBe("No files found.");
    const all = (await globFiles(context, { pattern: "**/*.yml" })).output.split("\n").sort();
    expect(all).toEqual(["config/app.yml"]);
    const dotfiles = (await globFiles(context, { pattern: ".env*" })).output;
    expect(dotfiles).toBe(".env.example");
  });

  it("lists everything when no deny check is given", async () => {
    const { root } = await makeProject();
    expect((await globFiles(makeContext(root), { pattern: ".env" })).output).toBe(".env");
  });
});

describe("ls with read deny rules", () => {
  it("leaves denied entries out at every depth", async () => {
    const { context } = await makeProject();
    const result = await listDirectory(context, { depth: 2 });
    expect(result.output).toContain("config/");
    expect(result.output).toContain("  app.yml");
    expect(result.output).toContain(".env.example");
    expect(result.output).not.toContain("secrets.yml");
    expect(result.output).not.toMatch(/^\.env$/m);
  });
});
