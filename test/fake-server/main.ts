// Runs the fake model server as its own process, for benchmarks and the tmux
// TUI test:
//   node_modules/.bin/node test/fake-server/main.ts [--port N] [--script steps.json] [--record requests.jsonl]
// Prints one line {"url":"http://127.0.0.1:PORT"} once listening; exits on SIGTERM.
import { appendFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Step, startFakeServer } from "./server.ts";

function fail(message: string): never {
  process.stderr.write(`fake-server: ${message}\n`);
  process.exit(2);
}

function readScript(file: string): Step[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`cannot read script ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((step) => typeof step === "object" && step !== null)) {
    fail(`script ${file} must be a JSON array of steps`);
  }
  return parsed as Step[];
}

let values: { port?: string; script?: string; record?: string };
try {
  ({ values } = parseArgs({
    options: { port: { type: "string" }, script: { type: "string" }, record: { type: "string" } },
    strict: true,
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a port number, got ${values.port}`);
const steps = values.script === undefined ? [] : readScript(values.script);
const recordFile = values.record;

const server = await startFakeServer({
  port,
  onRecord: recordFile ? (request) => appendFileSync(recordFile, `${JSON.stringify(request)}\n`) : undefined,
});
server.enqueue(...steps);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close().then(() => process.exit(0));
  });
}
