import { z } from "zod";
import { closestWord } from "../core/closest-word.ts";

/**
 * Keys a settings file holds that the schema does not know, each as one
 * warning naming the file and, when one is close, the key that was probably
 * meant: `unknown setting "modle" in FILE — did you mean "model"?`.
 *
 * The schema stays loose (a file written for a newer tacit still loads), so a
 * typo would otherwise be ignored without a word. Known keys are read from the
 * schema itself, so a key added there is known here with no second list.
 * Nested objects are checked too (`permissions.alow`), and so are the entries
 * of records such as `providers.<name>` (`providers.mybox.baseUrl`).
 */
export function unknownSettingWarnings(schema: z.ZodType, value: unknown, file: string): string[] {
  const warnings: string[] = [];
  walk(schema, value, [], (keyPath, known) => {
    const key = keyPath.at(-1)!;
    const closest = closestWord(key, known);
    const shown = (name: string) => [...keyPath.slice(0, -1), name].join(".");
    warnings.push(
      `unknown setting "${shown(key)}" in ${file}${closest ? ` — did you mean "${shown(closest)}"?` : " (ignored)"}`,
    );
  });
  return warnings;
}

/** Keys any settings file may carry that are not settings: an editor's schema link. */
const IGNORED_KEYS = new Set(["$schema"]);

function walk(
  schema: z.ZodType,
  value: unknown,
  keyPath: string[],
  report: (keyPath: string[], known: string[]) => void,
): void {
  const inner = unwrap(schema);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  if (inner instanceof z.ZodObject) {
    const shape = inner.shape as Record<string, z.ZodType>;
    const known = Object.keys(shape);
    for (const [key, child] of Object.entries(record)) {
      const childSchema = shape[key];
      if (childSchema) walk(childSchema, child, [...keyPath, key], report);
      else if (!IGNORED_KEYS.has(key)) report([...keyPath, key], known);
    }
  } else if (inner instanceof z.ZodRecord) {
    for (const [key, child] of Object.entries(record))
      walk(inner.valueType as z.ZodType, child, [...keyPath, key], report);
  }
}

/** The schema under optional(), default(), nullable() wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const innerType = (current._zod.def as { innerType?: z.ZodType }).innerType;
    if (!innerType) return current;
    current = innerType;
  }
}
