import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { TextFileAccess, ToolContext } from "../../src/core/tool.ts";
import { applyPatchText } from "../../src/tools/apply-patch.ts";
import { editTextFile } from "../../src/tools/edit.ts";
import { readTextFile } from "../../src/tools/read.ts";
import { writeTextFile } from "../../src/tools/write.ts";
import { makeContext, makeTempDirectory } from "./helpers.ts";

/** An editor's open buffers (what `tacit acp` gets from fs/read_text_file and fs/write_text_file). */
function buffers(initial: Record<string, string>): TextFileAccess & { texts: Map<string, string> } {
  const texts = new Map(Object.entries(initial));
  return {
    texts,
    readText: async (absolutePath) => {
      const text = texts.get(absolutePath);
      if (text === undefined) throw new Error(`no buffer for ${absolutePath}`);
      return text;
    },
    writeText: async (absolutePath, content) => {
      texts.set(absolutePath, content);
    },
  };
}

describe("the file tools through ToolContext.files", () => {
  const setUp = async () => {
    const directory = await makeTempDirectory();
    const file = path.join(directory, "app.txt");
    await writeFile(file, "line one on disk\nline two on disk\n");
    const files = buffers({ [file]: "line one in the buffer\nline two in the buffer\nline three unsaved\n" });
    const context: ToolContext = { ...makeContext(directory), files };
    return { directory, file, files, context };
  };

  it("Read numbers the buffer's lines, windowed like the disk's", async () => {
    const { file, context } = await setUp();
    const result = await readTextFile(context, { path: file, offset: 2, limit: 1 });
    expect(result.output).toBe(
      "     2\tline two in the buffer\n\n(lines 2-2 of 3; use offset 3 to read more)",
    );
  });

  it("Edit and Write change the buffer, not the disk, and report each file's old and new text", async () => {
    const { file, files, context } = await setUp();
    const edited = await editTextFile(context, { path: file, oldString: "unsaved", newString: "edited" });
    expect(edited.isError).toBeUndefined();
    expect(files.texts.get(file)).toBe("line one in the buffer\nline two in the buffer\nline three edited\n");
    expect(edited.display).toMatchObject({
      kind: "diff",
      changes: [
        { path: file, oldText: "line one in the buffer\nline two in the buffer\nline three unsaved\n" },
      ],
    });
    const written = await writeTextFile(context, file, "all new\n");
    expect(written.display).toMatchObject({ changes: [{ path: file, newText: "all new\n" }] });
    expect(files.texts.get(file)).toBe("all new\n");
    expect(await readFile(file, "utf8")).toBe("line one on disk\nline two on disk\n");
  });

  it("apply_patch updates and adds through it; a new file's change has no old text", async () => {
    const { directory, file, files, context } = await setUp();
    const patch = [
      "*** Begin Patch",
      "*** Update File: app.txt",
      " line one in the buffer",
      "-line two in the buffer",
      "+line two patched",
      "*** Add File: new.txt",
      "+fresh",
      "*** End Patch",
    ].join("\n");
    const result = await applyPatchText(context, patch);
    expect(result.isError).toBeUndefined();
    expect(files.texts.get(file)).toBe("line one in the buffer\nline two patched\nline three unsaved\n");
    expect(files.texts.get(path.join(directory, "new.txt"))).toBe("fresh\n");
    expect(await readFile(file, "utf8")).toBe("line one on disk\nline two on disk\n");
    const changes = result.display?.kind === "diff" ? result.display.changes : undefined;
    expect(changes?.[1]).toEqual({ path: path.join(directory, "new.txt"), newText: "fresh\n" });
  });

  it("without it, the same calls read and write the disk as before", async () => {
    const { directory, file } = await setUp();
    const context = makeContext(directory);
    expect((await readTextFile(context, { path: file })).output).toContain("line one on disk");
    await editTextFile(context, { path: file, oldString: "two on disk", newString: "two changed" });
    expect(await readFile(file, "utf8")).toBe("line one on disk\nline two changed\n");
  });
});
