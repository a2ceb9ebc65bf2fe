// What learning from the user's edits costs (README "Corrections learned from your edits"):
//   1. per write tool call: the Write tool alone, then with the recorder after it (one read, one
//      sha256, the redaction of the text, one SQLite insert), on files of 4 KB and 64 KB;
//   2. the start-up check with 200 recorded files in 10 sessions already reflected on (one query, one
//      ledger lookup per session, one stat per file), 20 files edited: its synchronous part (the
//      database reads; bootstrap schedules the check after start-up, so even this is not on its
//      path), and the whole check, stats included;
//   3. collecting one session's diffs (20 files read, hashed and diffed): the background part.
// Real parts: tacit's SQLite file in a temp folder, the real Write tool. Medians of many runs.
//
//   npm run bench:user-edits
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createFileWriteRecorder } from "../src/agent/file-write-recorder.ts";
import { collectUserEdits } from "../src/agent/reflection/user-edits.ts";
import { reflectOnEditsAtStart } from "../src/cli/edits-reflection.ts";
import { newToolSessionState } from "../src/core/tool.ts";
import { sessionRedaction } from "../src/memory/redact-message.ts";
import { openTacitDatabase } from "../src/memory/tacit-database.ts";
import { AgentFileRecords } from "../src/session/agent-file-records.ts";
import { ReflectionLedger } from "../src/session/reflection-ledger.ts";
import { SessionStore } from "../src/session/store.ts";
import { claudeWriteTool } from "../src/tools/write.ts";

const WRITES = 300;
const RECORDED_FILES = 200;
const EDITED_FILES = 20;
const CHECK_RUNS = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Source-like text of about `bytes` bytes, different per `seed`. */
function sourceText(bytes: number, seed: number): string {
  const line = (index: number) =>
    `export function helper${seed}_${index}(value) { return value * ${index}; }\n`;
  let text = "";
  for (let index = 0; text.length < bytes; index++) text += line(index);
  return text;
}

const folder = mkdtempSync(path.join(tmpdir(), "tacit-bench-user-edits-"));
try {
  const projectRoot = path.join(folder, "project");
  mkdirSync(path.join(projectRoot, "src"), { recursive: true });
  const database = openTacitDatabase(path.join(folder, "tacit.db"));
  const store = new SessionStore(database, { redact: sessionRedaction });
  const records = new AgentFileRecords(database);
  const { id: sessionId } = store.createSession({ cwd: projectRoot, projectRoot, model: "bench/model" });
  const recorder = createFileWriteRecorder({
    records,
    projectRoot,
    sessionId: () => sessionId,
    lastSeq: () => 1,
  });
  const write = claudeWriteTool();
  const context = {
    cwd: projectRoot,
    projectRoot,
    signal: new AbortController().signal,
    state: newToolSessionState(),
  };

  console.log("| file written | the Write tool itself | recording after it | recording's share |");
  console.log("| --- | --- | --- | --- |");
  for (const bytes of [4 * 1024, 64 * 1024]) {
    const writing: number[] = [];
    const recording: number[] = [];
    for (let index = 0; index < WRITES; index++) {
      const filePath = path.join(projectRoot, "src", `w${bytes}-${index % 20}.ts`);
      const input = { file_path: filePath, content: sourceText(bytes, index) };
      const started = performance.now();
      const result = await write.execute(input, context);
      const written = performance.now();
      await recorder(write, input, context, { result, startedAt: Date.now() });
      writing.push(written - started);
      recording.push(performance.now() - written);
    }
    const [tool, added] = [median(writing), median(recording)];
    console.log(
      `| ${bytes / 1024} KB | ${tool.toFixed(2)} ms | ${added.toFixed(2)} ms | ${((added / (tool + added)) * 100).toFixed(0)}% |`,
    );
  }

  // 200 recorded files across 10 sessions of another project; the user then edits 20 (all of one session).
  const checkedRoot = path.join(folder, "checked");
  mkdirSync(path.join(checkedRoot, "src"), { recursive: true });
  const sessions = Array.from(
    { length: 10 },
    () => store.createSession({ cwd: checkedRoot, projectRoot: checkedRoot, model: "bench/model" }).id,
  );
  for (let index = 0; index < RECORDED_FILES; index++) {
    const owner = sessions[Math.floor(index / EDITED_FILES)]!;
    const filePath = path.join(checkedRoot, "src", `f${index}.ts`);
    const input = { file_path: filePath, content: sourceText(4 * 1024, index) };
    const checkedContext = { ...context, cwd: checkedRoot, projectRoot: checkedRoot };
    const result = await write.execute(input, checkedContext);
    const recordFor = createFileWriteRecorder({
      records,
      projectRoot: checkedRoot,
      sessionId: () => owner,
      lastSeq: () => 1,
    });
    await recordFor(write, input, checkedContext, { result, startedAt: Date.now() });
  }
  const ledger = new ReflectionLedger(database);
  for (const id of sessions) {
    const run = ledger.begin(id, { afterSeq: 0, uptoSeq: 2 }, "bench/model");
    ledger.finish(run, {
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0,
      changes: [],
    });
  }
  for (let index = 0; index < EDITED_FILES; index++) {
    const filePath = path.join(checkedRoot, "src", `f${index}.ts`);
    writeFileSync(filePath, sourceText(4 * 1024, index).replace("helper", "renamedHelper"));
  }
  const synchronous: number[] = [];
  const checks: number[] = [];
  let started = 0;
  for (let run = 0; run < CHECK_RUNS; run++) {
    const began = performance.now();
    const check = reflectOnEditsAtStart({
      database,
      projectRoot: checkedRoot,
      settings: {},
      env: {},
      reflect: true,
      startReflection: () => started++,
    });
    synchronous.push(performance.now() - began);
    await check;
    checks.push(performance.now() - began);
  }
  const collects: number[] = [];
  let edits = 0;
  for (let run = 0; run < 10; run++) {
    const started = performance.now();
    edits = (await collectUserEdits({ records, projectRoot: checkedRoot, sessionId: sessions[0]! })).length;
    collects.push(performance.now() - started);
  }
  console.log("");
  console.log("| step | median | found |");
  console.log("| --- | --- | --- |");
  const found = `background reflection started ${started} of ${CHECK_RUNS} times`;
  console.log(
    `| start-up check, its synchronous part (${RECORDED_FILES} files, 10 sessions) | ${median(synchronous).toFixed(2)} ms | |`,
  );
  console.log(
    `| start-up check, whole (${EDITED_FILES} of them edited) | ${median(checks).toFixed(2)} ms | ${found} |`,
  );
  console.log(
    `| collecting one session's diffs (${EDITED_FILES} files read, hashed, diffed) | ${median(collects).toFixed(2)} ms | ${edits} diffs |`,
  );
  database.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}
