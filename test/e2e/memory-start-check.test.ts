import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

const e2e = e2eFixture({ perTest: true });
const MEMORIES = 1_500;

function memoryFile(name: string, body: string): string {
  return `---\nname: ${name}\ndescription: fact ${name}\ntype: pattern\n---\n${body}\n`;
}

/**
 * The built CLI (the worker thread's code as bundled) on a home of 1,500 user memories: a first
 * run indexes them (1,000 before the request, the rest while the run goes on, finished at close),
 * a hand edit inside one file is found by the next run's background check (its trace line says
 * the worker answered: it did not fail, leaving the work to a full sync), and the run after
 * recalls the new words.
 */
describe("start-up with many memory files", () => {
  it("indexes a large folder while the run goes on, then finds an edit in place by the background check", async () => {
    const folder = path.join(e2e.workspace.home, "memory");
    mkdirSync(folder, { recursive: true });
    const written = new Date(Date.now() - 3_600_000);
    for (let index = 0; index < MEMORIES; index++) {
      const file = path.join(folder, `fact-${index}.md`);
      writeFileSync(file, memoryFile(`fact-${index}`, `Plain fact n${index}.`));
      utimesSync(file, written, written);
    }
    e2e.server.enqueue({ text: "first" });
    expect((await e2e.print("hello there")).code).toBe(0);

    // The last file of the folder, never read before the first request: indexed by the time the run ended.
    e2e.server.enqueue({ text: "second" });
    // An identifier only this memory holds leads on its own, among words no memory holds (relevance.ts).
    const second = await e2e.print("what about n1499 then", [], { env: { TACIT_TRACE_STARTUP: "1" } });
    expect(second.code).toBe(0);
    expect(e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text).toContain("Plain fact n1499.");
    // The worker answered (files read moments after they were written are not trusted yet: some may count).
    expect(second.stderr).toMatch(/memory check: \d+ changed/);

    // In place: the folder's stamp does not move, only the file's own stats do.
    writeFileSync(
      path.join(folder, "fact-77.md"),
      memoryFile("fact-77", "Deploys go through the pangolin gate."),
    );
    e2e.server.enqueue({ text: "third" });
    const third = await e2e.print("hello again", [], { env: { TACIT_TRACE_STARTUP: "1" } });
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/memory check: [1-9]\d* changed/);
    expect(third.stderr).not.toContain("memory check failed");

    e2e.server.enqueue({ text: "fourth" });
    expect((await e2e.print("how do deploys pass the pangolin gate?")).code).toBe(0);
    expect(e2e.server.requests.at(-1)!.normalized.messages.at(-1)!.text).toContain("pangolin gate");
  });
});
