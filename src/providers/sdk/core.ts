// The parts of the AI SDK we use, imported by name so the bundler keeps only
// these (a namespace `import("ai")` would pull in the whole package).
export { jsonSchema, stepCountIs, streamText, tool } from "ai";

// The SDK prints its warnings with process.emitWarning, which lands across the
// TUI and in headless stderr. What it warns about it has already handled (for
// one, a Gemini 3 request replaying another provider's tool calls, which carry no
// thought signature, gets the documented skip sentinel), so tacit keeps quiet.
globalThis.AI_SDK_LOG_WARNINGS = false;
