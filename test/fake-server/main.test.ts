// main.ts as a real child process: the way benchmarks and the tmux TUI test use it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const nodeBinary = path.resolve("node_modules/.bin/node");
const mainScript = path.resolve("test/fake-server/main.ts");

function run(args: string[]): ChildProcess {
  return spawn(nodeBinary, [mainScript, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const end = buffered.indexOf("\n");
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing its url`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

describe("fake server main.ts", () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "tacit-fake-server-"));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("prints its url, replies from the script, records requests and exits on SIGTERM", async () => {
    const scriptFile = path.join(folder, "steps.json");
    const recordFile = path.join(folder, "requests.jsonl");
    await writeFile(scriptFile, JSON.stringify([{ text: "scripted hello" }]));
    const child = run(["--script", scriptFile, "--record", recordFile]);
    const exit = exited(child);
    const { url } = JSON.parse(await firstLine(child)) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const ask = () =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      }).then(
        async (response) => (await response.json()) as { choices: Array<{ message: { content: string } }> },
      );
    expect((await ask()).choices[0]?.message.content).toBe("scripted hello");
    expect((await ask()).choices[0]?.message.content).toBe("done");

    // The server records a request once its answer is sent: the line may land just after the reply does.
    const recorded = async () => (await readFile(recordFile, "utf8").catch(() => "")).trim().split("\n");
    for (let attempt = 0; attempt < 100 && (await recorded()).length < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const lines = await recorded();
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as {
      wire: string;
      normalized: { messages: Array<{ text: string }> };
    };
    expect(first.wire).toBe("openai-chat");
    expect(first.normalized.messages[0]?.text).toBe("hi");

    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);
  });

  it("refuses a script that is not an array of steps, with a clear message", async () => {
    const scriptFile = path.join(folder, "bad.json");
    await writeFile(scriptFile, '{"text":"not an array"}');
    const result = await exited(run(["--script", scriptFile]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("must be a JSON array of steps");
  });

  it("refuses an unknown option", async () => {
    const result = await exited(run(["--bogus"]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bogus");
  });
});
