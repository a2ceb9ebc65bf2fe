// The fetch tacit gives the model SDKs, against real local HTTP servers: what the SDKs rely on
// (streaming, headers, errors shaped like fetch's, abort, redirects), and that Node's proxy switch
// still routes it through HTTP_PROXY.
import { execFile } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "../../src/providers/node-http-fetch.ts";

const run = promisify(execFile);
const servers: Server[] = [];

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("nodeHttpFetch", () => {
  it("posts the body and headers, and answers with status, headers and text", async () => {
    let seen: { method?: string; headers?: IncomingMessage["headers"]; body?: string } = {};
    const base = await serve(async (request, response) => {
      seen = { method: request.method, headers: request.headers, body: await bodyOf(request) };
      response.writeHead(201, "Made", { "content-type": "application/json", "x-request-id": "r1" });
      response.end('{"ok":true}');
    });
    const response = await nodeHttpFetch(`${base}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": " sk-key\n" },
      body: '{"hello":1}',
    });
    expect([response.status, response.statusText, response.ok]).toEqual([201, "Made", true]);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(Object.fromEntries([...response.headers])).toMatchObject({ "x-request-id": "r1" });
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.method).toBe("POST");
    expect(seen.body).toBe('{"hello":1}');
    // Trimmed as fetch trims: a key read from a file with its newline still works.
    expect(seen.headers?.["x-api-key"]).toBe("sk-key");
  });

  it("streams: the first event arrives while the server is still answering", async () => {
    let finish: () => void = () => undefined;
    const base = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      finish = () => response.end("data: two\n\n");
    });
    const response = await nodeHttpFetch(base, { method: "POST", body: "{}" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    finish();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("fails as fetch does when nothing listens: a TypeError whose cause has the code", async () => {
    const base = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const failure = await nodeHttpFetch(base).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe("fetch failed");
    expect(((failure as TypeError).cause as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("stops on abort: before the answer, and in the middle of a streamed body", async () => {
    const silent = await serve(() => undefined);
    const early = new AbortController();
    const waiting = nodeHttpFetch(silent, { signal: early.signal });
    setTimeout(() => early.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });

    const streaming = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
    });
    const late = new AbortController();
    const response = await nodeHttpFetch(streaming, { signal: late.signal });
    const reader = response.body!.getReader();
    await reader.read();
    late.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("follows a 307 with the same body, and drops the key when the redirect leaves the origin", async () => {
    const seen: { body: string; key: string | undefined }[] = [];
    const elsewhere = await serve(async (request, response) => {
      seen.push({ body: await bodyOf(request), key: request.headers["x-api-key"] as string | undefined });
      response.end("moved answer");
    });
    const here = await serve(async (request, response) => {
      seen.push({ body: await bodyOf(request), key: request.headers["x-api-key"] as string | undefined });
      if (request.url === "/first") response.writeHead(307, { location: "/second" }).end();
      else if (request.url === "/second") response.writeHead(308, { location: `${elsewhere}/third` }).end();
    });
    const response = await nodeHttpFetch(`${here}/first`, {
      method: "POST",
      headers: { "x-api-key": "secret" },
      body: "payload",
    });
    expect(await response.text()).toBe("moved answer");
    expect(response.redirected).toBe(true);
    expect(seen).toEqual([
      { body: "payload", key: "secret" },
      { body: "payload", key: "secret" },
      { body: "payload", key: undefined },
    ]);
  });

  it("decodes a gzip answer the server sent although none was asked for", async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { "content-encoding": "gzip", "content-type": "application/json" });
      response.end(gzipSync('{"zipped":true}'));
    });
    expect(await (await nodeHttpFetch(base)).json()).toEqual({ zipped: true });
  });

  it("goes through HTTP_PROXY under Node's proxy switch, as Node's own fetch does", async () => {
    const proxied: string[] = [];
    const proxy = await serve((request, response) => {
      proxied.push(request.url ?? "");
      response.end("via proxy");
    });
    const source = path.resolve(import.meta.dirname, "../../src/providers/node-http-fetch.ts");
    const script = `import { nodeHttpFetch } from ${JSON.stringify(source)};
const response = await nodeHttpFetch("http://model-api.invalid:8123/v1/messages", { method: "POST", body: "{}" });
process.stdout.write(await response.text());`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, NODE_USE_ENV_PROXY: "1", HTTP_PROXY: proxy, NO_PROXY: "" },
    });
    expect(stdout).toBe("via proxy");
    expect(proxied).toEqual(["http://model-api.invalid:8123/v1/messages"]);
  });
});
