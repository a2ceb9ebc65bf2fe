// A Streamable HTTP MCP server for the client's tests, made with the official SDK in the test process:
// stateless (a new server and transport per request), one tool `add`; it records the X-Test header it sees.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export async function startHttpMcpServer(): Promise<{
  url: string;
  headersSeen: Set<string>;
  close(): Promise<void>;
}> {
  const headersSeen = new Set<string>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const header = request.headers["x-test"];
    if (typeof header === "string") headersSeen.add(header);
    const server = new McpServer({ name: "tacit-test-http", version: "1.0.0" });
    server.registerTool(
      "add",
      { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request, response);
  };
  const http = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    headersSeen,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
