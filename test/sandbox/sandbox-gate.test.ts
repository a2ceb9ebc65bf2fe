import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  createPermissionGate,
  type PermissionAnswer,
  type PermissionGateOptions,
  type PermissionRequest,
} from "../../src/agent/permission-gate.ts";
import { claudeBashTool, gptShellTool } from "../../src/tools/bash.ts";
import { parseAndExecute } from "../tools/parse-and-execute.ts";
import { availability, contextIn, makeWorld, type SandboxWorld, sandboxFor, skipReason } from "./helpers.ts";

/** The gate and a Bash tool holding the sandbox, as bootstrap wires them. */
async function wire(
  world: SandboxWorld,
  options: Partial<PermissionGateOptions> & { answer?: PermissionAnswer["decision"] } = {},
) {
  const asked: PermissionRequest[] = [];
  const gate = createPermissionGate({
    mode: "default",
    rules: { allow: [], deny: [], ask: [] },
    projectRoot: world.project,
    home: world.userHome,
    autoAllowSandboxed: true,
    ...options,
    ...(options.answer
      ? {
          ask: async (request: PermissionRequest) => {
            asked.push(request);
            return { decision: options.answer! };
          },
        }
      : {}),
  });
  const sandbox = (await sandboxFor(world))!;
  return { gate, asked, bash: claudeBashTool({ sandbox }), shell: gptShellTool({ sandbox }) };
}

describe.skipIf(!availability.available)(`the permission gate with the sandbox${skipReason}`, () => {
  it("lets a command no rule covers run in the sandbox without asking, even headless", async () => {
    const world = await makeWorld();
    const { gate, bash } = await wire(world);
    const input = { command: `touch made-here && touch ${world.userHome}/escaped` };
    expect(await gate.check(bash, input, contextIn(world.project))).toEqual({ allowed: true });
    const result = await parseAndExecute(bash, input, contextIn(world.project));
    expect(existsSync(path.join(world.project, "made-here"))).toBe(true);
    expect(existsSync(path.join(world.userHome, "escaped"))).toBe(false);
    expect(result.output).toContain("Read-only file system");
    expect(result.output).toContain("dangerouslyDisableSandbox");
  });

  it("still refuses what a deny rule matches, and still asks what an ask rule names", async () => {
    const world = await makeWorld();
    const { gate, bash, asked } = await wire(world, {
      rules: { allow: [], deny: ["Bash(rm:*)"], ask: ["Bash(git push:*)"] },
      answer: "deny",
    });
    const denied = await gate.check(bash, { command: "rm -rf src" }, contextIn(world.project));
    expect(denied).toMatchObject({ allowed: false, reason: expect.stringContaining('"Bash(rm:*)"') });
    await gate.check(bash, { command: "git push origin main" }, contextIn(world.project));
    expect(asked.map((request) => request.cause)).toEqual(["ask-rule"]);
  });

  it("asks as before when sandbox.autoAllow is off", async () => {
    const world = await makeWorld();
    const { gate, bash } = await wire(world, { autoAllowSandboxed: false });
    const decision = await gate.check(bash, { command: "touch x" }, contextIn(world.project));
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("non-interactive") });
  });

  it("plan mode still refuses a sandboxed command", async () => {
    const world = await makeWorld();
    const { gate, bash } = await wire(world, { mode: "plan" });
    const decision = await gate.check(bash, { command: "touch x" }, contextIn(world.project));
    expect(decision).toMatchObject({ allowed: false, reason: expect.stringContaining("plan mode") });
  });

  it("an escalated command goes through the prompt, saying it runs outside and why, and then runs unsandboxed", async () => {
    const world = await makeWorld();
    const { gate, bash, asked } = await wire(world, { answer: "allow-once" });
    const target = path.join(world.userHome, "outside.txt");
    const input = {
      command: `touch ${target}`,
      description: "write the cache in my home",
      dangerouslyDisableSandbox: true,
    };
    expect(await gate.check(bash, input, contextIn(world.project))).toEqual({ allowed: true });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.description).toBe(
      `run \`touch ${target}\` OUTSIDE the sandbox (reason: write the cache in my home)`,
    );
    await parseAndExecute(bash, input, contextIn(world.project));
    expect(existsSync(target)).toBe(true);
  });

  it("an escalated command is refused headless, even with auto-allow on", async () => {
    const world = await makeWorld();
    const { gate, shell } = await wire(world);
    const decision = await gate.check(
      shell,
      {
        command: ["bash", "-lc", "curl example.com"],
        with_escalated_permissions: true,
        justification: "network",
      },
      contextIn(world.project),
    );
    expect(decision).toMatchObject({
      allowed: false,
      reason: expect.stringContaining("OUTSIDE the sandbox"),
    });
  });

  it("an allow rule still lets an escalated command run without asking (the ordinary gate)", async () => {
    const world = await makeWorld();
    const { gate, bash } = await wire(world, {
      rules: { allow: ["Bash(npm install:*)"], deny: [], ask: [] },
    });
    const decision = await gate.check(
      bash,
      { command: "npm install left-pad", dangerouslyDisableSandbox: true },
      contextIn(world.project),
    );
    expect(decision).toEqual({ allowed: true });
  });
});

describe("the permission gate without a sandbox", () => {
  it("asks for an uncovered command: auto-allow needs a sandbox", async () => {
    const world = await makeWorld();
    const gate = createPermissionGate({
      mode: "default",
      rules: { allow: [], deny: [], ask: [] },
      projectRoot: world.project,
      home: world.userHome,
      autoAllowSandboxed: true,
    });
    const decision = await gate.check(claudeBashTool(), { command: "touch x" }, contextIn(world.project));
    expect(decision).toMatchObject({ allowed: false });
  });
});
