/**
 * Edit distance with transpositions (optimal string alignment): "sesions" is
 * one edit from "sessions", and so is "hepl" from "help", as a typist would
 * count. Returns limit + 1 as soon as the distance is known to exceed limit,
 * so scanning many names stays cheap.
 */
export function editDistance(left: string, right: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= right.length; column++) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      let value = Math.min(previous[column]! + 1, current[column - 1]! + 1, previous[column - 1]! + cost);
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) value = Math.min(value, beforePrevious[column - 2]! + 1);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return previous[right.length]!;
}

/** True when right is at most limit edits from left. */
export function editDistanceAtMost(left: string, right: string, limit: number): boolean {
  return editDistance(left, right, limit) <= limit;
}
