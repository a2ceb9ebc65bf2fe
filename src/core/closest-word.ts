import { editDistance } from "./edit-distance.ts";

/**
 * The word a typo most likely meant: the same letters in another case, or the
 * nearest within a small edit (a third of the word, one to three letters), so
 * "modle" finds "model" and "alow" finds "allow" but "foo" finds nothing.
 */
export function closestWord(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = known.find((candidate) => candidate.toLowerCase() === lower);
  if (sameLetters) return sameLetters;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}
