// LoCoMo (Maharana et al., ACL 2024; CC BY-NC 4.0, a fixture only) as recall documents
// and questions. Each raw dialogue turn becomes one document (never the LLM-written
// observations or summaries); each category 1-4 question with evidence is a query.
import { MONTH_NAMES, spokenDay } from "../../src/memory/search/temporal.ts";
import type { SearchDocument } from "../../src/memory/search/types.ts";

interface Turn {
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption?: string;
}
interface QaItem {
  question: string;
  category: number;
  evidence: string[];
}
export interface Sample {
  sample_id: string;
  conversation: Record<string, unknown>;
  qa: QaItem[];
}

const CATEGORY_NAMES: Record<number, string> = {
  1: "multi-hop",
  2: "temporal",
  3: "open-domain",
  4: "single-hop",
};

export interface Question {
  text: string;
  category: string;
  evidence: string[];
}

/** "1:56 pm on 8 May, 2023" → epoch ms (UTC). */
function parseSessionDate(text: string): number {
  const match = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+([a-z]+),?\s+(\d{4})/i.exec(text);
  if (match === null) return 0;
  const [, hour, minute, meridiem, day, month, year] = match;
  const hours = (Number(hour) % 12) + (meridiem!.toLowerCase() === "pm" ? 12 : 0);
  const monthIndex = MONTH_NAMES.indexOf(month!.toLowerCase() as (typeof MONTH_NAMES)[number]);
  return Date.UTC(Number(year), monthIndex, Number(day), hours, Number(minute));
}

/** The date as people write it, so "May 2023" or "8 May" in a question can match it. */
function turnText(turn: Turn): string {
  return turn.blip_caption ? `${turn.text} [shares ${turn.blip_caption}]` : turn.text;
}

export interface DocumentOptions {
  /** How many turns on each side of a turn are indexed with it as context. */
  window: number;
  /** Whether the session's date is part of each turn's context. */
  dateContext: boolean;
}

export function buildDocuments(
  sample: Sample,
  options: DocumentOptions,
): { documents: SearchDocument[]; lastDate: number } {
  const documents: SearchDocument[] = [];
  let lastDate = 0;
  for (let session = 1; ; session++) {
    const turns = sample.conversation[`session_${session}`] as Turn[] | undefined;
    if (turns === undefined) break;
    const date = parseSessionDate(String(sample.conversation[`session_${session}_date_time`] ?? ""));
    lastDate = Math.max(lastDate, date);
    turns.forEach((turn, index) => {
      const context: string[] = options.dateContext ? [spokenDay(date)] : [];
      for (let offset = -options.window; offset <= options.window; offset++) {
        const neighbour = turns[index + offset];
        if (offset !== 0 && neighbour !== undefined)
          context.push(`${neighbour.speaker}: ${turnText(neighbour)}`);
      }
      documents.push({
        id: turn.dia_id,
        kind: "memory",
        scope: "session",
        title: turn.speaker,
        body: turnText(turn),
        context: context.join("\n"),
        updatedAt: date,
        sessionId: `${sample.sample_id}/${session}`,
      });
    });
  }
  return { documents, lastDate };
}

/** The questions with evidence, evidence ids normalised as the dataset README prescribes. */
export function questionsOf(sample: Sample, validIds: Set<string>): Question[] {
  const questions: Question[] = [];
  for (const item of sample.qa) {
    const category = CATEGORY_NAMES[item.category];
    if (category === undefined) continue;
    const ids = new Set<string>();
    for (const entry of item.evidence) {
      for (const part of entry.split(/[;\s]+/)) {
        const match = /^D:?(\d+):0*(\d+)$/.exec(part.trim());
        if (match === null) continue;
        const id = `D${Number(match[1])}:${Number(match[2])}`;
        if (validIds.has(id)) ids.add(id);
      }
    }
    if (ids.size > 0) questions.push({ text: item.question, category, evidence: [...ids] });
  }
  return questions;
}
