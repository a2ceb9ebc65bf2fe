/** A token count as the footer and the conversation show it: 950, 12.3k, 128k, 1.5M. */
export function formatTokens(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(count % 1_000_000 === 0 ? 0 : 1)}M`;
  if (count >= 1000) return `${(count / 1000).toFixed(count >= 100_000 || count % 1000 === 0 ? 0 : 1)}k`;
  return String(count);
}
