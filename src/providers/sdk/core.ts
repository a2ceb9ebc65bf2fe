// The parts of the AI SDK we use, imported by name so the bundler keeps only
// these (a namespace `import("ai")` would pull in the whole package).
export { jsonSchema, stepCountIs, streamText, tool } from "ai";
