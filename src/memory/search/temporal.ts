/**
 * What a query says about time, and how a document answers it. A question that
 * names a date ("what did we change in March 2024?") is about documents written
 * then; a "when" question is answered by a passage that says when ("last week",
 * "on Friday", "in 2022"), which shares no word with the question.
 */

export const MONTH_NAMES = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;

/**
 * A day as people say it ("3 March 2026"), in UTC: the date context documents are indexed with, so
 * "what did we do in March" finds them. Written by hand: toLocaleDateString's first call sets up
 * Intl (tens of ms) before a run's first request.
 */
export function spokenDay(at: number): string {
  const date = new Date(at);
  const month = MONTH_NAMES[date.getUTCMonth()]!;
  return `${date.getUTCDate()} ${month[0]!.toUpperCase()}${month.slice(1)} ${date.getUTCFullYear()}`;
}

const MONTH_PATTERN = MONTH_NAMES.join("|");
// "7 May 2023", "May 7, 2023", "May 2023", "May 7", "7 May"; the year or the day may be missing.
const NAMED_DATE = new RegExp(
  `(?:\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${MONTH_PATTERN})\\b|\\b(${MONTH_PATTERN})\\b(?:\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b)?)(?:,?\\s+(\\d{4})\\b)?`,
  "gi",
);
const LONE_YEAR = /\b(?:in|of|during|since)\s+((?:19|20)\d{2})\b/gi;

/** A period the query names: a year, a month of a year, or a day (month and day, year optional). */
export interface NamedPeriod {
  year?: number;
  /** 0-11 */
  month?: number;
  day?: number;
}

export interface TemporalIntent {
  periods: NamedPeriod[];
  /** The question asks when something happened. */
  asksWhen: boolean;
}

export function temporalIntent(query: string): TemporalIntent {
  const periods: NamedPeriod[] = [];
  for (const match of query.matchAll(NAMED_DATE)) {
    const [, dayBefore, monthBefore, monthAfter, dayAfter, year] = match;
    const monthWord = (monthBefore ?? monthAfter)!;
    const day = dayBefore ?? dayAfter;
    // "May" is also a verb: alone, only a capitalised "May" inside a sentence names the month.
    const modal = day === undefined && year === undefined && monthWord.toLowerCase() === "may";
    if (modal && (monthWord === "may" || isSentenceStart(query, match))) continue;
    periods.push({
      month: MONTH_NAMES.indexOf(monthWord.toLowerCase() as (typeof MONTH_NAMES)[number]),
      ...(day !== undefined ? { day: Number(day) } : {}),
      ...(year !== undefined ? { year: Number(year) } : {}),
    });
  }
  for (const match of query.matchAll(LONE_YEAR)) {
    const year = Number(match[1]);
    if (!periods.some((period) => period.year === year)) periods.push({ year });
  }
  const asksWhen = /\b(?:when|what (?:date|day|year|month|time)|how long ago)\b/i.test(query);
  return { periods, asksWhen };
}

/** "May I…" opens a question; the month at the very start of a sentence is more likely the verb. */
function isSentenceStart(query: string, match: RegExpMatchArray): boolean {
  const before = query.slice(0, match.index ?? 0).trimEnd();
  return before === "" || /[.?!]$/.test(before);
}

const DAY_MS = 86_400_000;

/**
 * How well a document's date fits the periods the query names: 1 for the same day
 * (within a couple of days: people write "yesterday"), 0.5 for the same month, 0 otherwise.
 */
export function periodFit(periods: NamedPeriod[], updatedAt: number): number {
  if (periods.length === 0) return 0;
  const date = new Date(updatedAt);
  let best = 0;
  for (const period of periods) {
    if (period.year !== undefined && period.month === undefined) {
      if (date.getUTCFullYear() === period.year) best = Math.max(best, 0.5);
      continue;
    }
    if (period.month === undefined) continue;
    const year = period.year ?? date.getUTCFullYear();
    if (period.day !== undefined) {
      const named = Date.UTC(year, period.month, period.day);
      const distance = Math.abs(updatedAt - named) / DAY_MS;
      if (distance <= 3) best = Math.max(best, 1);
    }
    if (date.getUTCFullYear() === year && date.getUTCMonth() === period.month) best = Math.max(best, 0.5);
  }
  return best;
}

const TIME_EXPRESSION = new RegExp(
  [
    "\\b(?:yesterday|today|tonight|tomorrow|recently|lately|ago|earlier|soon)\\b",
    "\\b(?:last|next|this|past|previous|coming)\\s+(?:week|weekend|month|year|night|summer|winter|spring|fall|autumn|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b",
    "\\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\\b",
    `\\b(?:${MONTH_PATTERN.replace("|may|", "|")})\\b`,
    "\\b(?:19|20)\\d{2}\\b",
    "\\b(?:a|one|two|three|four|five|six|few|couple of)\\s+(?:days?|weeks?|months?|years?)\\b",
  ].join("|"),
  "i",
);

/** Whether a passage says when something happened. */
export function hasTimeExpression(text: string): boolean {
  return TIME_EXPRESSION.test(text);
}
