import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diagnoseMemory } from "../../../src/memory/doctor/diagnose.ts";
import type { Memory } from "../../../src/memory/memory-file.ts";
import type { MemoryScope } from "../../../src/memory/scopes.ts";
import { makeSandbox, type Sandbox } from "../store/helpers.ts";

let sandbox: Sandbox;
const NOW = new Date("2026-11-27T12:00:00.000Z");
const LONG_AGO = "2026-06-01T00:00:00.000Z";

async function plant(
  scope: MemoryScope,
  memory: Omit<Memory, "type"> & { type?: Memory["type"] },
): Promise<void> {
  await sandbox.store.write(scope, { type: "project", ...memory });
}

beforeEach(() => {
  sandbox = makeSandbox({ now: () => NOW });
});
afterEach(() => sandbox.cleanup());

describe("diagnoseMemory", () => {
  it("reports planted duplicates across scopes, a contradiction and a stale memory, and nothing else", async () => {
    writeFileSync(path.join(sandbox.projectRoot, "package.json"), "{}\n");
    await plant("project", {
      name: "test-command",
      description: "Run the unit tests with npx vitest run in the repository",
      body: "Run the unit tests with `npx vitest run`; the suite takes about a minute.",
    });
    await plant("local", {
      name: "how-to-run-tests",
      description: "Unit tests run with npx vitest run in this repository",
      body: "The unit tests run with `npx vitest run`, about a minute for the whole suite.",
    });
    await plant("user", {
      name: "package-manager",
      description: "Use npm",
      body: "use npm",
      type: "preference",
    });
    await plant("user", {
      name: "pnpm-only",
      description: "Which package manager to install with",
      body: "never use npm, use pnpm",
      type: "preference",
    });
    await plant("project", {
      name: "parser-home",
      description: "Where the config parser lives",
      body: "The parser is in `src/zeppelin/parser.ts` and reads `package.json`.",
    });

    const findings = await diagnoseMemory({ store: sandbox.store }, { now: NOW });

    expect(findings).toEqual([
      {
        kind: "duplicate",
        memories: ["local/how-to-run-tests", "project/test-command"],
        detail: expect.stringMatching(/^2 memories say nearly the same thing/),
      },
      {
        kind: "contradiction",
        memories: ["user/package-manager", "user/pnpm-only"],
        subject: "npm",
        detail: 'about "npm": user/pnpm-only says "never use npm", user/package-manager does not',
      },
      {
        kind: "stale",
        memories: ["project/parser-home"],
        detail: "names src/zeppelin/parser.ts, which no longer exists",
      },
    ]);
  });

  it("lists the user's own copy first, the one a merge keeps, even over a pinned repository copy", async () => {
    const fact = {
      description: "The user installs JavaScript dependencies with pnpm, never npm or yarn",
      body: "The user installs JavaScript dependencies with pnpm, never npm or yarn.",
      type: "preference" as const,
    };
    await plant("user", { name: "uses-pnpm", ...fact });
    await plant("project", { name: "pnpm-installs", ...fact, pinned: true });

    const findings = await diagnoseMemory({ store: sandbox.store }, { now: NOW });

    expect(findings.map((finding) => [finding.kind, finding.memories])).toEqual([
      ["duplicate", ["user/uses-pnpm", "project/pnpm-installs"]],
    ]);
  });

  it("reports memories not recalled within the unused window, counted from their creation, and spares pinned ones", async () => {
    const facts: Record<string, string> = {
      "recalled-lately": "Commit messages say what and why",
      "recalled-long-ago": "Tabs in shell scripts",
      "never-recalled": "The staging database lives in Frankfurt",
      "pinned-one": "Releases go out on Tuesdays",
    };
    for (const [name, fact] of Object.entries(facts)) {
      await plant("user", {
        name,
        description: fact,
        body: `${fact}.`,
        created: LONG_AGO,
        ...(name === "pinned-one" ? { pinned: true } : {}),
      });
    }
    await plant("user", { name: "brand-new", description: "Made today", body: "Fresh." });
    const recallStats = new Map([
      ["user/recalled-lately", { count: 3, lastAt: "2026-11-20T00:00:00.000Z" }],
      ["user/recalled-long-ago", { count: 1, lastAt: "2026-07-01T00:00:00.000Z" }],
    ]);

    const findings = await diagnoseMemory(
      { store: sandbox.store },
      { now: NOW, recallStats, unusedDays: 60 },
    );

    expect(findings).toEqual([
      {
        kind: "unused",
        memories: ["user/never-recalled"],
        detail: "never recalled since it was made on 2026-06-01",
      },
      {
        kind: "unused",
        memories: ["user/recalled-long-ago"],
        detail: "not recalled in 60 days (last 2026-07-01)",
      },
    ]);
    // Without the recall log nothing can be called unused.
    expect(await diagnoseMemory({ store: sandbox.store }, { now: NOW })).toEqual([]);
  });

  it("reports a memory the sync marked as conflicted", async () => {
    await plant("user", {
      name: "editor",
      description: "The user's editor",
      body: "Helix on one machine, Neovim on the other.",
      extra: { conflict: true },
    });
    const findings = await diagnoseMemory({ store: sandbox.store }, { now: NOW });
    expect(findings.map((finding) => [finding.kind, finding.memories])).toEqual([
      ["conflict", ["user/editor"]],
    ]);
  });
});
