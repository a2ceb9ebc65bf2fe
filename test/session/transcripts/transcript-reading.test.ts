import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageText } from "../../../src/core/messages.ts";
import { MAX_LINE_BYTES } from "../../../src/session/transcripts/jsonl-lines.ts";
import { readTranscript, type TranscriptBatch } from "../../../src/session/transcripts/transcript-read.ts";
import { transcriptConverter } from "../../../src/session/transcripts/transcript-sessions.ts";

let folder: string;
let file: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(tmpdir(), "tacit-transcript-"));
  file = path.join(folder, "session.jsonl");
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const said = (text: string, uuid = text) =>
  JSON.stringify({ type: "user", uuid, cwd: "/p", sessionId: "s", message: { role: "user", content: text } });

async function batches(startOffset = 0, batchChars?: number): Promise<TranscriptBatch[]> {
  const all: TranscriptBatch[] = [];
  const options = batchChars === undefined ? { startOffset } : { startOffset, batchChars };
  for await (const batch of readTranscript(file, transcriptConverter("claude-code"), options))
    all.push(batch);
  return all;
}

const texts = (all: TranscriptBatch[]) => all.flatMap((batch) => batch.messages.map(messageText));

describe("reading a transcript", () => {
  it("goes on from where an earlier read ended, reading only what was added", async () => {
    writeFileSync(file, `${said("one")}\n${said("two")}\n`);
    const first = await batches();
    expect(texts(first)).toEqual(["one", "two"]);
    const end = first.at(-1)!;
    expect(end).toMatchObject({ lines: 2, lastEntryId: "two" });
    expect(texts(await batches(end.endOffset))).toEqual([]);
    appendFileSync(file, `${said("three")}\n`);
    const again = await batches(end.endOffset);
    expect(texts(again)).toEqual(["three"]);
    expect(again.at(-1)).toMatchObject({ lines: 1, lastEntryId: "three" });
  });

  it("counts a last line cut off mid-write and stops before it, so a later read takes it once whole", async () => {
    const whole = said("two");
    writeFileSync(file, `${said("one")}\n${whole.slice(0, 30)}`);
    const first = await batches();
    expect(texts(first)).toEqual(["one"]);
    expect(first.at(-1)).toMatchObject({ skipped: 1, lines: 1 });
    appendFileSync(file, `${whole.slice(30)}\n`);
    const again = await batches(first.at(-1)!.endOffset);
    expect(texts(again)).toEqual(["two"]);
    expect(again.at(-1)!.skipped).toBe(0);
  });

  it("takes a last line that parses though its newline is missing", async () => {
    writeFileSync(file, `${said("one")}\n${said("two")}`);
    const all = await batches();
    expect(texts(all)).toEqual(["one", "two"]);
    appendFileSync(file, `\n${said("three")}\n`);
    expect(texts(await batches(all.at(-1)!.endOffset))).toEqual(["three"]);
  });

  it("passes over a line too long to hold, counting it, and reads what follows", async () => {
    const huge = said("x".repeat(MAX_LINE_BYTES + 10));
    writeFileSync(file, `${said("before")}\n${huge}\n${said("after")}\n`);
    const all = await batches();
    expect(texts(all)).toEqual(["before", "after"]);
    expect(all.reduce((sum, batch) => sum + batch.skipped, 0)).toBe(1);
  });

  it("hands a big session over in batches that together hold every message once", async () => {
    const lines = Array.from({ length: 40 }, (_, index) => said(`message ${index} ${"y".repeat(50)}`));
    writeFileSync(file, `${lines.join("\n")}\n`);
    const small = await batches(0, 500);
    expect(small.length).toBeGreaterThan(3);
    expect(texts(small)).toEqual(texts(await batches()));
    expect(small.reduce((sum, batch) => sum + batch.lines, 0)).toBe(40);
  });
});
