import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { markUserEditsHandedOver } from "../../src/agent/reflection/user-edits.ts";
import { sessionsWithChangedFiles } from "../../src/agent/reflection/user-edits-check.ts";
import { AGENT_TEXT, setup, USER_TEXT } from "./user-edits-fixture.ts";

describe("the start-up check for the user's edits", () => {
  it("finds at start, by stats alone, the sessions whose files changed and were not handed over", async () => {
    const { projectRoot, records, runSession, collect, write } = setup();
    const edited = await runSession([write("src/user.ts", AGENT_TEXT)]);
    const untouched = await runSession([write("src/other.ts", "one\n")]);
    const deleted = await runSession([write("src/gone.ts", "gone\n")]);
    expect(await sessionsWithChangedFiles(records, projectRoot)).toEqual([]);

    writeFileSync(path.join(projectRoot, "src/user.ts"), USER_TEXT);
    rmSync(path.join(projectRoot, "src/gone.ts"));
    expect(await sessionsWithChangedFiles(records, projectRoot)).toEqual([edited, deleted].sort());

    for (const sessionId of [edited, deleted]) {
      markUserEditsHandedOver(records, projectRoot, await collect(sessionId));
    }
    expect(await sessionsWithChangedFiles(records, projectRoot)).toEqual([]);
    expect(await collect(untouched)).toEqual([]);
    // Past the window a record is no longer compared; past twice the window a pruning check drops it.
    const later = Date.now() + 15 * 24 * 60 * 60 * 1000;
    writeFileSync(path.join(projectRoot, "src/other.ts"), "three\n");
    expect(await sessionsWithChangedFiles(records, projectRoot, { now: () => later })).toEqual([]);
    expect(records.forSession(projectRoot, untouched)).toHaveLength(1);
    // Only a pruning check (the background run's) drops them; the start-up check never writes.
    await sessionsWithChangedFiles(records, projectRoot, { now: () => later * 2 });
    expect(records.forSession(projectRoot, untouched)).toHaveLength(1);
    await sessionsWithChangedFiles(records, projectRoot, { now: () => later * 2, prune: true });
    expect(records.forSession(projectRoot, untouched)).toHaveLength(0);
  });
});
