import { type SecretRule, textBefore } from "./secret-rule.ts";
import {
  isSecretName,
  looksLikeSecretValue,
  SECRET_NAME_KEYWORDS,
  secretNameKind,
  type ValueStrength,
} from "./secret-values.ts";

/**
 * Secrets found by the name they are assigned to: `DB_PASSWORD=…`, `password: …`,
 * `"apiKey": "…"`. The name only makes a secret possible; looksLikeSecretValue
 * decides, so code full of `cacheKey = "users:list"` stays untouched.
 */

/** A line as tools show it: Read's "    12\t", grep's "path:12:" or "path-12-" before the text itself. */
const LINE_PREFIX = String.raw`(?:[ \t]{0,16}\d{1,9}\t|[^\s:]{1,300}[:-]\d{1,9}[:-])?`;

const byName =
  (nameGroup: number, strength: (match: RegExpExecArray) => ValueStrength) =>
  (secret: string, match: RegExpExecArray) =>
    isSecretName(match[nameGroup]!) && looksLikeSecretValue(secret, match[nameGroup]!, strength(match));

/**
 * A quoted name is a key only where a key can stand: after "{", "," or "[" or at a line's
 * start ({"password": "x"}), not in a ternary (state === "pass" ? "pass" : "fail").
 */
function isAssignmentContext(match: RegExpExecArray): boolean {
  if (!/^["']/.test(match[0])) return true;
  const before = textBefore(match, 200).trimEnd();
  return before === "" || /[{,[(]$/.test(before) || /^\s*(?:\d{1,9}|-)$/.test(before);
}

const kindOf = (nameGroup: number) => (match: RegExpExecArray) => secretNameKind(match[nameGroup]!);
const isEnvStyle = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name);

export const ASSIGNMENT_RULES: SecretRule[] = [
  // name = "value", name: 'value', "name": "value" — anywhere, quoted literals only.
  // A quoted literal is a deliberate value, so a password may be a plain word here.
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern:
      /(?<![A-Za-z0-9_./-])["']?([A-Za-z_][A-Za-z0-9_.-]{0,100})["']?[ \t]{0,8}(?::=|=>|=|:)[ \t]{0,8}(["'`])((?:\\.|(?!\2)[^\\\n]){1,1024})\2/dg,
    group: 3,
    accept: (secret, match) => isAssignmentContext(match) && byName(1, () => "loose")(secret, match),
  },
  // "NAME=value" or "Header-Name: value" as a whole quoted string: compose lists, curl -H, env arrays.
  {
    kind: kindOf(2),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: /(["'])([A-Za-z][A-Za-z0-9_.-]{0,100})[ \t]{0,8}[:=][ \t]{0,8}([^\s"'`]{1,1024})\1/dg,
    group: 3,
    accept: byName(2, (match) => (isEnvStyle(match[2]!) ? "loose" : "strict")),
  },
  // NAME=value, export NAME=value, name: value — a whole line of .env, shell or YAML, unquoted,
  // also as Read and grep show it. YAML's "name: value" and env-style names are config, where
  // a password may be a plain word; "name = value" in lowercase may be code (password = hashed).
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: new RegExp(
      String.raw`^${LINE_PREFIX}[ \t]{0,64}(?:export[ \t]{1,8}|-[ \t]{1,8})?([A-Za-z_][A-Za-z0-9_.-]{0,100})[ \t]{0,8}([=:])[ \t]{0,8}([^\s'"\x60#,;(){}[\]]{1,1024})[ \t]*(?:#[^\n]*)?$`,
      "dgm",
    ),
    group: 3,
    accept: byName(1, (match) => (match[2] === ":" || isEnvStyle(match[1]!) ? "loose" : "strict")),
  },
  // name: value in the middle of a line ("my db password: hunter2 works"): only generated-looking values,
  // since code puts identifiers there ({ password: hashed }).
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern:
      /(?<![A-Za-z0-9_$./-])([A-Za-z_][A-Za-z0-9_.-]{0,100})[ \t]{0,8}:[ \t]{1,8}([^\s'"`;&|()[\]{}<>,]{1,1024})(?=[\s,;)}\]]|$)/dg,
    group: 2,
    accept: byName(1, () => "strict"),
  },
  // docker run -e DB_PASSWORD=x, env FOO_TOKEN=x cmd: UPPER_CASE names inline, unquoted.
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: /(?<![A-Za-z0-9_$./-])([A-Z][A-Z0-9_]{1,100})=([^\s'"`;&|()[\]{}<>,]{1,1024})/dg,
    group: 2,
    accept: byName(1, () => "loose"),
  },
  // name=value inline in any case (URL queries, key=value logs, kwargs): only generated-looking values.
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: /(?<![A-Za-z0-9_$./-])([A-Za-z_][A-Za-z0-9_.-]{0,100})=([^\s'"`;&|()[\]{}<>,]{1,1024})/dg,
    group: 2,
    accept: byName(1, () => "strict"),
  },
  // XML and .NET config: <password>x</password>, <add key="ApiKey" value="x" />.
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: /<([A-Za-z_][A-Za-z0-9_.:-]{0,100})(?:[ \t][^<>]{0,256})?>([^<>\s]{1,1024})<\/\1>/dg,
    group: 2,
    accept: byName(1, () => "loose"),
  },
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern: /\bkey=["']([A-Za-z_][A-Za-z0-9_.:-]{0,100})["'][ \t]{1,8}value=["']([^"'\s]{1,1024})["']/dg,
    group: 2,
    accept: byName(1, () => "loose"),
  },
  // Prose: "my password is x", "the API token was x" — only generated-looking values.
  {
    kind: kindOf(1),
    keywords: SECRET_NAME_KEYWORDS,
    pattern:
      /\b((?:api[ _-]?)?(?:password|passphrase|passwd|token|secret|key))[ \t]{1,4}(?:is|was)[ \t]{1,4}["'`]?([^\s"'`,;()<>\\]{0,1023}[^\s"'`,;()<>\\.!?:])/dgi,
    group: 2,
    accept: byName(1, () => "strict"),
  },
];
