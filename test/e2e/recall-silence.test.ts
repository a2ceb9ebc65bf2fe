import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { e2eFixture } from "./fixture.ts";

// Memories that say "run", "please" and "file", the words a coding prompt is wrapped in.
const MEMORIES: Array<[name: string, description: string, body: string]> = [
  [
    "test-command",
    "how to run the tests",
    "Run the unit tests with `npm test`; please build the fake server first.",
  ],
  [
    "schema-migrations",
    "how schema migrations are run",
    "Run schema migrations with `make migrate`; never edit an applied migration file.",
  ],
  [
    "deploy-staging",
    "staging deploys",
    "Staging deploys run from the deploy workflow; it needs the kubeconfig secret.",
  ],
];

const e2e = e2eFixture();

describe("recall sends nothing when nothing is relevant", () => {
  it("a prompt no memory is about goes without a recalled-memory block; one naming a memory's subject goes with it", async () => {
    const { server, workspace } = e2e;
    const folder = path.join(workspace.project, ".tacit", "memory");
    mkdirSync(folder, { recursive: true });
    for (const [name, description, body] of MEMORIES)
      writeFileSync(
        path.join(folder, `${name}.md`),
        `---\nname: ${name}\ndescription: ${description}\ntype: project\n---\n${body}\n`,
      );
    const lastUserText = () => server.requests.at(-1)!.normalized.messages.at(-1)!.text;

    server.enqueue({ text: "Done." });
    const silent = await e2e.run(["-p", "run ls please", "--model", e2e.model]);
    expect(silent.code).toBe(0);
    expect(lastUserText()).toContain("run ls please");
    expect(lastUserText()).not.toContain("<recalled-memory>");
    expect(lastUserText()).not.toContain("make migrate");

    server.enqueue({ text: "Done." });
    const recalled = await e2e.run([
      "-p",
      "write a schema migration for the orders table",
      "--model",
      e2e.model,
    ]);
    expect(recalled.code).toBe(0);
    expect(lastUserText()).toContain("<recalled-memory>");
    expect(lastUserText()).toContain("never edit an applied migration file");
    expect(lastUserText()).not.toContain("kubeconfig");
    expect(server.errors).toEqual([]);
  });
});
