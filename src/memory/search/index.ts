export type { Embedder, Fusion, RankedCandidate } from "./embedder.ts";
export { cosineSimilarity, reciprocalRankFusion } from "./embedder.ts";
export { buildMatchExpression, queryTerms } from "./query.ts";
export type { RankingWeights } from "./rerank.ts";
export { DEFAULT_WEIGHTS } from "./rerank.ts";
export { searchIndexMigrations } from "./schema.ts";
export type { SearchIndexOptions } from "./search-index.ts";
export { SearchIndex } from "./search-index.ts";
export type { SearchDocument, SearchKind, SearchOptions, SearchResult, SearchScope } from "./types.ts";
