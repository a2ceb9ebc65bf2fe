import { afterAll, beforeAll } from "vitest";
import { type FakeServer, startFakeServer } from "../fake-server/server.ts";
import { createWorkspace, type Workspace } from "./harness.ts";

/**
 * One fake model server and one workspace for a whole test file: started
 * before its first test, closed and removed after its last. Read the fields
 * inside tests (they are set once beforeAll has run).
 */
export function serverAndWorkspaceForFile(): { server: FakeServer; workspace: Workspace } {
  const fixture = {} as { server: FakeServer; workspace: Workspace };
  beforeAll(async () => {
    fixture.server = await startFakeServer();
    fixture.workspace = createWorkspace();
  });
  afterAll(async () => {
    await fixture.server?.close();
    fixture.workspace?.cleanup();
  });
  return fixture;
}
