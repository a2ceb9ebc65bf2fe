// What reading another agent's huge transcript costs `tacit learn`: time, lines a second, how many
// messages and batches, and resident memory growth, on a generated Claude Code transcript of about
// 510 MB (120,000 turns of text, tool calls with file contents and their results, a pasted 12 MB
// image line every 30,000 turns, a malformed line every 10,000). Generated in a temp folder, removed
// after; no model is called and no digest made: reading only.
//
//   node_modules/.bin/node scripts/bench-import.ts
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const MEGABYTE = 1024 * 1024;
const source = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, ".."));
const { readTranscript } = await import(path.join(source, "src/session/transcripts/transcript-read.ts"));
const { transcriptConverter } = await import(
  path.join(source, "src/session/transcripts/transcript-sessions.ts")
);

const TURNS = 120_000;
const folder = mkdtempSync(path.join(tmpdir(), "tacit-bench-import-"));
try {
  const file = path.join(folder, "session.jsonl");
  const descriptor = openSync(file, "w");
  const fileBody = "export const value = 1;\n".repeat(60);
  const output = "ok line of tool output\n".repeat(80);
  const image = "A".repeat(12 * MEGABYTE);
  for (let turn = 0; turn < TURNS; turn++) {
    const base = { cwd: "/p", sessionId: "bench", isSidechain: false, uuid: `u${turn}` };
    const lines = [
      { ...base, type: "user", message: { role: "user", content: `turn ${turn}: change the value please` } },
      {
        ...base,
        type: "assistant",
        message: {
          id: `m${turn}`,
          role: "assistant",
          content: [
            { type: "text", text: "Writing it." },
            {
              type: "tool_use",
              id: `t${turn}`,
              name: "Write",
              input: { file_path: "/p/a.ts", content: fileBody },
            },
          ],
        },
      },
      {
        ...base,
        type: "user",
        message: {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: `t${turn}`, content: output }],
        },
      },
    ];
    let text = `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;
    if (turn % 30_000 === 0)
      text += `${JSON.stringify({ ...base, type: "user", message: { role: "user", content: [{ type: "image", source: { data: image } }] } })}\n`;
    if (turn % 10_000 === 5) text += '{"type":"user","message":{"role":"us\n';
    writeSync(descriptor, text);
  }
  closeSync(descriptor);
  const megabytes = statSync(file).size / MEGABYTE;

  const residentMiB = () => process.memoryUsage().rss / MEGABYTE;
  const baseline = residentMiB();
  let peak = baseline;
  let messages = 0;
  let batches = 0;
  let lines = 0;
  let skipped = 0;
  const started = performance.now();
  for await (const batch of readTranscript(file, transcriptConverter("claude-code"))) {
    batches += 1;
    messages += batch.messages.length;
    lines += batch.lines;
    skipped += batch.skipped;
    peak = Math.max(peak, residentMiB());
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `transcript: ${megabytes.toFixed(0)} MB, ${lines.toLocaleString("en-US")} lines read, ${skipped} skipped`,
  );
  console.log(
    `read in ${seconds.toFixed(1)} s (${(lines / seconds).toFixed(0)} lines/s, ${(megabytes / seconds).toFixed(0)} MB/s)`,
  );
  console.log(`${messages.toLocaleString("en-US")} messages in ${batches} batches`);
  console.log(
    `resident memory: ${baseline.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at most (+${(peak - baseline).toFixed(0)} MiB)`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
