/** Evidence recall at 5 and 10 and MRR@10, summed per subset, and per-query latencies. */
export interface Tally {
  questions: number;
  recallAt5: number;
  recallAt10: number;
  reciprocalRank: number;
}

export class Tallies {
  readonly bySubset = new Map<string, Tally>();
  readonly wallMs: number[] = [];
  readonly cpuMs: number[] = [];

  add(subsets: string[], ranked: string[], evidence: string[]): void {
    const found = (k: number) =>
      evidence.filter((id) => ranked.slice(0, k).includes(id)).length / evidence.length;
    const firstHit = ranked.slice(0, 10).findIndex((id) => evidence.includes(id));
    for (const key of subsets) {
      const tally = this.bySubset.get(key) ?? {
        questions: 0,
        recallAt5: 0,
        recallAt10: 0,
        reciprocalRank: 0,
      };
      tally.questions += 1;
      tally.recallAt5 += found(5);
      tally.recallAt10 += found(10);
      tally.reciprocalRank += firstHit === -1 ? 0 : 1 / (firstHit + 1);
      this.bySubset.set(key, tally);
    }
  }

  row(key: string): string | undefined {
    const tally = this.bySubset.get(key);
    if (tally === undefined) return undefined;
    const mean = (value: number) => (value / tally.questions).toFixed(3).padEnd(8);
    return `${key.padEnd(22)}${String(tally.questions).padEnd(11)}${mean(tally.recallAt5)}${mean(tally.recallAt10)}${mean(tally.reciprocalRank)}`;
  }
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;
}
