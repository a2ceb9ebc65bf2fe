/** `tacit mcp serve`: the server's code loads only for this command. */
export async function mcpServeCommand(): Promise<void> {
  const { serveMemoryOverMcp } = await import("../mcp-server/serve.ts");
  await serveMemoryOverMcp();
}
