// What checkpoints cost (README "Checkpoints and rewind"): per write tool call, the Write tool
// alone, then the snapshot before it (stat, read, sha256, blob write when new, one SQLite insert)
// and the record after it (stat, read, sha256, one update), on files of 4 KB and 64 KB (the Write tool's own diff makes bigger files slow to bench), each
// call in its own turn (so every call snapshots), 60 calls per size; then planning and applying a rewind of 50 files.
// Real parts: tacit's SQLite file and blob folder in a temp folder, the real Write tool. Medians.
//
//   npm run bench:checkpoints
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCheckpointer } from "../src/agent/checkpoint-recorder.ts";
import { applyFileRewind, planFileRewind } from "../src/agent/rewind.ts";
import { newToolSessionState } from "../src/core/tool.ts";
import { sessionRedaction } from "../src/memory/redact-message.ts";
import { openTacitDatabase } from "../src/memory/tacit-database.ts";
import { CheckpointBlobs } from "../src/session/checkpoint-blobs.ts";
import { CheckpointRecords } from "../src/session/checkpoint-records.ts";
import { SessionStore } from "../src/session/store.ts";
import { claudeWriteTool } from "../src/tools/write.ts";

const WRITES = 60;
const REWOUND_FILES = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function text(bytes: number, seed: number): string {
  const line = `const value${seed} = "${"x".repeat(60)}";\n`;
  return line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);
}

const folder = mkdtempSync(path.join(tmpdir(), "tacit-bench-checkpoints-"));
try {
  const projectRoot = path.join(folder, "project");
  mkdirSync(path.join(projectRoot, "src"), { recursive: true });
  const database = openTacitDatabase(path.join(folder, "tacit.db"));
  const store = new SessionStore(database, { redact: sessionRedaction });
  const records = new CheckpointRecords(database);
  const blobs = new CheckpointBlobs(path.join(folder, "blobs"));
  const { id: sessionId } = store.createSession({ cwd: projectRoot, projectRoot, model: "bench/model" });
  let turn = 1;
  const checkpointer = createCheckpointer({
    records,
    blobs,
    projectRoot,
    sessionId: () => sessionId,
    turnSeq: () => turn,
  });
  const write = claudeWriteTool();
  const context = {
    cwd: projectRoot,
    projectRoot,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };

  console.log(
    "| file written | the Write tool itself | snapshot before | record after | checkpoints' share |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  for (const bytes of [4 * 1024, 64 * 1024]) {
    const writing: number[] = [];
    const before: number[] = [];
    const after: number[] = [];
    for (let index = 0; index < WRITES; index++) {
      turn += 1;
      const input = {
        file_path: path.join(projectRoot, "src", `w${bytes}-${index % 20}.ts`),
        content: text(bytes, index),
      };
      const started = performance.now();
      await checkpointer.before(write, input, context);
      const snapshotted = performance.now();
      const result = await write.execute(input, context);
      const written = performance.now();
      await checkpointer.after(write, input, context, { result, startedAt: Date.now() });
      before.push(snapshotted - started);
      writing.push(written - snapshotted);
      after.push(performance.now() - written);
    }
    const [tool, snap, record] = [median(writing), median(before), median(after)];
    console.log(
      `| ${bytes / 1024} KB | ${tool.toFixed(2)} ms | ${snap.toFixed(2)} ms | ${record.toFixed(2)} ms | ${(((snap + record) / (tool + snap + record)) * 100).toFixed(0)}% |`,
    );
  }

  // One turn writes 50 files of 4 KB; rewinding to before it plans (stat, read, hash each) and restores them.
  turn += 1;
  const rewoundTurn = turn;
  for (let index = 0; index < REWOUND_FILES; index++) {
    const input = { file_path: path.join(projectRoot, "src", `r${index}.ts`), content: text(4096, index) };
    await checkpointer.before(write, input, context);
    const result = await write.execute(input, context);
    await checkpointer.after(write, input, context, { result, startedAt: Date.now() });
  }
  const started = performance.now();
  const plan = await planFileRewind(records, blobs, sessionId, rewoundTurn);
  const planned = performance.now();
  const { restored } = await applyFileRewind(plan, records, blobs, { force: false });
  const applied = performance.now();
  console.log(
    `\nRewind of ${REWOUND_FILES} files (${restored.length} removed): plan ${(planned - started).toFixed(1)} ms, apply ${(applied - planned).toFixed(1)} ms`,
  );
  database.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
