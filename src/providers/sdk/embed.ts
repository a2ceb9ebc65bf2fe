// Only embedMany, imported by name so this chunk stays small: it loads only
// when an embedding model is configured and something needs a vector.
export { embedMany } from "ai";
