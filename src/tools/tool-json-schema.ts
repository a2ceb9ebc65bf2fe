import { z } from "zod";

/**
 * A tool's input schema as JSON Schema, the same as
 * `z.toJSONSchema(schema, { io: "input" })` gives it, written in one pass over
 * the schema. zod's converter is general (references, cycles, a second pass to
 * flatten them, a transform check at every node) and took about 2.5 ms for the
 * fifteen tools of the first request; the tools' schemas use a handful of
 * kinds, and anything else still goes to zod's converter. A test holds the two
 * equal for every tool of every model family (test/tools/tool-json-schema.test.ts).
 */
export function toolInputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const covered = coveredJsonSchema(schema);
  if (covered) return covered;
  const converted = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete converted.$schema;
  return converted;
}

/** The schema written here, or undefined when it uses a kind or check left to zod's converter. */
export function coveredJsonSchema(schema: z.ZodType): Record<string, unknown> | undefined {
  try {
    return convert(schema);
  } catch (error) {
    if (error instanceof NotCovered) return undefined;
    throw error;
  }
}

/** A kind or check this converter does not write: zod's converter takes the schema instead. */
class NotCovered extends Error {}

interface SchemaInternals {
  _zod: { def: Definition; optin?: string };
}
interface Definition {
  type: string;
  format?: string;
  checks?: Array<{ _zod: { def: CheckDefinition } }>;
  shape?: Record<string, z.ZodType>;
  catchall?: unknown;
  innerType?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  rest?: unknown;
  entries?: Record<string, unknown>;
  values?: unknown[];
}
interface CheckDefinition {
  check: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  value?: number;
  inclusive?: boolean;
  pattern?: RegExp;
}

function convert(schema: z.ZodType): Record<string, unknown> {
  const { def } = (schema as unknown as SchemaInternals)._zod;
  const json = convertKind(def);
  // A description given to a wrapper (`.optional().describe(…)`) is the one shown, as in zod's converter.
  const meta = z.globalRegistry.get(schema);
  if (meta) {
    const { description, ...rest } = meta;
    if (Object.keys(rest).length > 0) throw new NotCovered();
    if (description !== undefined) json.description = description;
  }
  return json;
}

function convertKind(def: Definition): Record<string, unknown> {
  // A format on the definition itself (z.int(), z.email(), z.uuid()) is zod's converter's to write.
  if (def.format !== undefined) throw new NotCovered();
  switch (def.type) {
    case "string":
      return withChecks({ type: "string" }, def, stringCheck);
    case "number":
      return withChecks({ type: "number" }, def, numberCheck);
    case "boolean":
      return withChecks({ type: "boolean" }, def, () => false);
    case "enum":
      return withChecks(enumOf(Object.values(def.entries ?? {})), def, () => false);
    case "literal": {
      const [value, ...others] = def.values ?? [];
      if (others.length > 0 || typeof value !== "string") throw new NotCovered();
      return withChecks({ type: "string", const: value }, def, () => false);
    }
    case "array":
      if (!def.element) throw new NotCovered();
      return withChecks({ type: "array", items: convert(def.element) }, def, arrayCheck);
    case "tuple": {
      const items = def.items ?? [];
      if (def.rest || items.some(isOptionalInInput)) throw new NotCovered();
      return withChecks(
        {
          type: "array",
          prefixItems: items.map(convert),
          items: false,
          minItems: items.length,
          maxItems: items.length,
        },
        def,
        () => false,
      );
    }
    case "object":
      return withChecks(objectOf(def), def, () => false);
    case "optional":
      if (!def.innerType) throw new NotCovered();
      return convert(def.innerType);
    default:
      throw new NotCovered();
  }
}

/** Adds what each check says; a check the kind's writer does not know (it answers false) is not covered. */
function withChecks(
  json: Record<string, unknown>,
  def: Definition,
  write: (json: Record<string, unknown>, check: CheckDefinition) => boolean,
): Record<string, unknown> {
  const kinds = new Set<string>();
  for (const check of def.checks ?? []) {
    const { check: kind } = check._zod.def;
    // Two of a kind (.min(2).min(1), two patterns) combine in ways one key cannot say: zod's converter decides.
    if (kinds.has(kind) || !write(json, check._zod.def)) throw new NotCovered();
    kinds.add(kind);
  }
  return json;
}

function stringCheck(json: Record<string, unknown>, check: CheckDefinition): boolean {
  if (check.check === "min_length") json.minLength = check.minimum;
  else if (check.check === "max_length") json.maxLength = check.maximum;
  else if (check.check === "string_format" && check.format === "regex" && check.pattern)
    json.pattern = check.pattern.source;
  else return false;
  return true;
}

/** A safe integer's own bounds are left out: toolSpecOf strips them from zod's output too. */
function numberCheck(json: Record<string, unknown>, check: CheckDefinition): boolean {
  if (check.check === "number_format" && check.format === "safeint") json.type = "integer";
  else if (check.check === "greater_than")
    json[check.inclusive ? "minimum" : "exclusiveMinimum"] = check.value;
  else if (check.check === "less_than") json[check.inclusive ? "maximum" : "exclusiveMaximum"] = check.value;
  else return false;
  return true;
}

function arrayCheck(json: Record<string, unknown>, check: CheckDefinition): boolean {
  if (check.check === "min_length") json.minItems = check.minimum;
  else if (check.check === "max_length") json.maxItems = check.maximum;
  else return false;
  return true;
}

function enumOf(values: unknown[]): Record<string, unknown> {
  if (values.every((value) => typeof value === "string")) return { type: "string", enum: values };
  if (values.every((value) => typeof value === "number")) return { type: "number", enum: values };
  throw new NotCovered();
}

function objectOf(def: Definition): Record<string, unknown> {
  // A loose or strict object says so with additionalProperties; zod's converter writes those.
  if (def.catchall !== undefined || !def.shape) throw new NotCovered();
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [key, value] of Object.entries(def.shape)) {
    properties[key] = convert(value);
    if (!isOptionalInInput(value)) required.push(key);
  }
  return required.length > 0 ? { type: "object", properties, required } : { type: "object", properties };
}

function isOptionalInInput(schema: z.ZodType): boolean {
  return (schema as unknown as SchemaInternals)._zod.optin === "optional";
}
