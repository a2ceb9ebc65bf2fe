import { existsSync } from "node:fs";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePatch, pathsNamedInPatch } from "../../src/tools/apply-patch/parse.ts";
import { applyPatchPermission, applyPatchText } from "../../src/tools/apply-patch.ts";
import { gptShellTool } from "../../src/tools/bash.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";
import { parseAndExecute } from "./parse-and-execute.ts";

const sharedScenarios = "/work/shared/interop/apply-patch/scenarios";
const ownScenarios = path.join(import.meta.dirname, "fixtures/apply-patch");

/** Relative path → "dir" or the file's bytes (base64), so comparisons are byte-exact. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  if (!existsSync(root)) return result;
  const visit = async (directory: string) => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      const relative = path.relative(root, full);
      if (entry.isDirectory()) {
        result[relative] = "dir";
        await visit(full);
      } else {
        result[relative] = (await readFile(full)).toString("base64");
      }
    }
  };
  await visit(root);
  return result;
}

async function runScenario(scenarioDirectory: string) {
  const workDirectory = await makeTempDirectory("tacit-patch-");
  const input = path.join(scenarioDirectory, "input");
  if (existsSync(input)) await cp(input, workDirectory, { recursive: true });
  const patch = await readFile(path.join(scenarioDirectory, "patch.txt"), "utf8");
  const result = await applyPatchText(makeContext(workDirectory), patch);
  expect(await snapshot(workDirectory)).toEqual(await snapshot(path.join(scenarioDirectory, "expected")));
  return result;
}

const sharedNames = existsSync(sharedScenarios) ? (await readdir(sharedScenarios)).sort() : [];

describe.skipIf(sharedNames.length === 0)("Codex apply_patch scenarios (/work/shared)", () => {
  it("has all 23 scenarios", () => {
    expect(sharedNames.length).toBe(23);
  });
  for (const name of sharedNames) {
    it(name, async () => {
      const result = await runScenario(path.join(sharedScenarios, name));
      // The scenarios are defined by the tree alone, but a rejection must also be reported as one.
      expect(result.isError === true).toBe(/rejects|fails|requires|failure/.test(name));
    });
  }
});

describe("our apply_patch fixtures", async () => {
  const names = (await readdir(ownScenarios)).sort();
  for (const name of names) {
    it(name, async () => {
      const result = await runScenario(path.join(ownScenarios, name));
      expect(result.isError === true).toBe(name.includes("rejects"));
    });
  }
});

describe("apply_patch messages and permissions", () => {
  it("lists the changed files on success", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "m.txt"), "a\n");
    const result = await applyPatchText(
      makeContext(directory),
      "*** Begin Patch\n*** Add File: n.txt\n+x\n*** Update File: m.txt\n@@\n-a\n+b\n*** End Patch",
    );
    expect(result.output).toBe("Success. Updated the following files:\nA n.txt\nM m.txt");
    expect(result.display?.kind).toBe("diff");
  });

  it("says which earlier operations stayed applied when a later one fails", async () => {
    const directory = await makeTempDirectory();
    const result = await applyPatchText(
      makeContext(directory),
      "*** Begin Patch\n*** Add File: created.txt\n+hello\n*** Delete File: missing.txt\n*** End Patch",
    );
    expect(result.isError).toBe(true);
    expect(result.output).toContain("missing.txt");
    expect(result.output).toContain("A created.txt");
  });

  it("explains a malformed patch", async () => {
    const directory = await makeTempDirectory();
    const result = await applyPatchText(makeContext(directory), "*** Update File: x\n-a\n+b\n");
    expect(result.isError).toBe(true);
    expect(result.output).toContain("Invalid patch");
    expect(result.output).toContain("*** Begin Patch");
  });

  it("permission names every path, even when the patch does not parse", () => {
    const context = makeContext("/repo");
    const patch =
      "*** Begin Patch\n*** Update File: a.ts\n*** Move to: b.ts\n@@\n-x\n+y\n*** Delete File: c.ts\n*** End Patch";
    expect(applyPatchPermission(context, patch)).toEqual({
      kind: "edit",
      paths: ["/repo/a.ts", "/repo/b.ts", "/repo/c.ts"],
    });
    expect(pathsNamedInPatch("*** Add File: d.ts\n+x\n")).toEqual(["d.ts"]);
  });

  it("parses stacked anchors, End of File and a missing first @@", () => {
    const operations = parsePatch(
      "*** Begin Patch\n*** Update File: f\n x\n-y\n*** End of File\n*** End Patch",
    );
    expect(operations).toEqual([
      {
        kind: "update",
        path: "f",
        chunks: [{ anchors: [], oldLines: ["x", "y"], newLines: ["x"], isEndOfFile: true }],
      },
    ]);
  });

  it("the GPT shell tool routes apply_patch heredocs to the patch engine", async () => {
    const directory = await makeTempDirectory();
    await writeFile(path.join(directory, "f.txt"), "one\n");
    const script =
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: f.txt\n-one\n+two\n*** End Patch\nEOF\n";
    const tool = gptShellTool();
    const context = makeContext(directory);
    expect(tool.permission({ command: ["bash", "-lc", script] }, context)).toEqual({
      kind: "edit",
      paths: [path.join(directory, "f.txt")],
    });
    const result = await parseAndExecute(tool, { command: ["bash", "-lc", script] }, context);
    expect(result.output).toContain("M f.txt");
    expect(await readFile(path.join(directory, "f.txt"), "utf8")).toBe("two\n");
  });
});
