// Only embedMany, imported by name so this chunk stays small: it loads only
// when an embedding model is configured and something needs a vector.
export { embedMany } from "ai";

// The SDK prints its warnings with process.emitWarning, which lands across the
// TUI and in headless stderr; what it warns about it has already handled, so tacit
// keeps quiet. Chat requests call the provider packages directly (ai-sdk-client.ts),
// which return their warnings rather than print them.
globalThis.AI_SDK_LOG_WARNINGS = false;
