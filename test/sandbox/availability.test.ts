import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath, probeBubblewrap } from "../../src/sandbox/availability.ts";
import { setUpSandbox } from "../../src/sandbox/setup.ts";
import { makeTempDirectory } from "../tools/helpers.ts";

/** A stand-in bwrap that fails the way it does in a container without user namespaces. */
async function brokenBubblewrap(): Promise<string> {
  const folder = await makeTempDirectory("tacit-fake-bwrap-");
  const binary = path.join(folder, "bwrap");
  writeFileSync(binary, "#!/bin/sh\necho 'bwrap: No permissions to create a new namespace' >&2\nexit 1\n");
  chmodSync(binary, 0o755);
  return binary;
}

describe("sandbox availability", () => {
  it("a bwrap that cannot create namespaces is reported with its own words", async () => {
    const binary = await brokenBubblewrap();
    expect(await probeBubblewrap(binary)).toEqual({
      available: false,
      reason: `${binary} cannot create a sandbox here: bwrap: No permissions to create a new namespace`,
    });
  });

  it("a bwrap that does not start is reported", async () => {
    const verdict = await probeBubblewrap("/nonexistent/bwrap");
    expect(verdict).toMatchObject({ available: false, reason: expect.stringContaining("did not start") });
  });

  it("finds a program on PATH, first match wins", async () => {
    const binary = await brokenBubblewrap();
    expect(findOnPath("bwrap", `/nonexistent:${path.dirname(binary)}:/usr/bin`)).toBe(binary);
    expect(findOnPath("bwrap", "/nonexistent")).toBeUndefined();
  });

  it("without a sandbox the shell tools get none, auto-allow is off, and one notice says why", async () => {
    const project = await makeTempDirectory();
    const setup = await setUpSandbox({
      settings: {},
      projectRoot: project,
      tacitHome: path.join(project, "home"),
      env: {},
      availability: { available: false, reason: "bubblewrap (bwrap) is not installed" },
    });
    expect(setup.sandbox).toBeUndefined();
    expect(setup.autoAllow).toBe(false);
    expect(setup.notice).toContain("no sandbox for shell commands: bubblewrap (bwrap) is not installed");
    expect(setup.summary).toBe(
      "Sandbox: unavailable (bubblewrap (bwrap) is not installed); shell commands ask",
    );
  });

  it("with the sandbox off in settings nothing is probed and nothing is said", async () => {
    const project = await makeTempDirectory();
    const setup = await setUpSandbox({
      settings: { sandbox: { mode: "off" } },
      projectRoot: project,
      tacitHome: path.join(project, "home"),
      env: {},
      availability: { available: false, reason: "unused" },
    });
    expect(setup).toEqual({ autoAllow: false, summary: "Sandbox: off (sandbox.mode in settings)" });
  });
});
