/**
 * Judging names and values for the name-based rules ("password: …", "apiKey = '…'").
 * A name says a secret MAY follow; the value decides. Code is full of secret-named
 * variables holding ordinary things (`cacheKey = "users:list"`, `key: "ctrl+s"`,
 * `AUTH_HEADER = "Authorization"`), so a value must look like a credential: not a
 * reference, not a word or identifier, not a path or URL, not a label.
 */

/** Identifier words that name a secret; compounds like "apikey" or "pgpassword" are handled below. */
const SECRET_WORDS = new Set([
  "key",
  "secret",
  "token",
  "password",
  "pass",
  "passwd",
  "pwd",
  "passphrase",
  "credential",
  "credentials",
  "auth",
  "authorization",
]);
const SECRET_COMPOUND =
  /^(?:api|access|secret|private|auth|client|refresh|session|bearer|db|admin|root|master|signing|encryption|app|user|login)(?:key|token|secret|password|passwd|pass|pwd)$|^[a-z]{1,12}(?:password|passwd|passphrase|secret|token)$/;
/** Every secret name holds one of these (the words and compounds above all do): rules' keywords. */
export const SECRET_NAME_KEYWORDS = ["key", "secret", "token", "pass", "pwd", "auth", "credential"];

/** Shell variables whose names look secret but hold ordinary values. */
const NOT_SECRET_NAMES = new Set(["pwd", "oldpwd", "key_path", "keyfile", "key_file", "token_type"]);
/**
 * A last word that makes the name describe something ABOUT the secret, not the secret:
 * AUTH_HEADER holds a header name, tokenUrl a URL, PASSWORD_MIN_LENGTH a number.
 */
const QUALIFIER_WORDS = new Set(
  (
    "header headers url uri urls endpoint host name names id ids path paths file files dir folder prefix suffix " +
    "type types length len count size ttl expiry expires expiration field fields label labels env var vars variable " +
    "param params policy method mode scheme format pattern regex stdin provider providers store storage manager " +
    "service helper input placeholder hint error errors message required enabled disabled valid validator visible " +
    "min max timeout ref location source kind index column attribute attr class style icon button link route page " +
    "view modal form strength rules schema reset changed hash hashed generator options opts config settings " +
    "props info meta metadata request response result handler callback listener factory builder parser " +
    "interface model list map set array count " +
    // A file name's extension: "secret-rules.ts" names a file, not a secret.
    "ts tsx js jsx mjs cjs md json yml yaml py rb go rs java kt txt toml lock html css"
  ).split(" "),
);

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** "key" after one of these is a lookup key, not a credential: cacheKey, sort_key, primaryKey, hotkey. */
const LOOKUP_KEY_WORDS = new Set(
  (
    "cache sort primary foreign map group partition hash lookup dedupe idempotency storage query index unique " +
    "composite row react object dict hot shortcut keyboard press i18n translation message cursor route state " +
    "public next prev previous item list entry field column table record node child parent"
  ).split(" "),
);

/** True for names of things that hold a secret: DB_PASSWORD, apiKey, X-Auth-Token, client_secret. */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET_NAMES.has(name.toLowerCase())) return false;
  const words = nameWords(name);
  const last = words.at(-1);
  if (last === undefined || QUALIFIER_WORDS.has(last)) return false;
  if (last === "key" && LOOKUP_KEY_WORDS.has(words.at(-2) ?? "")) return false;
  return words.some((word) => SECRET_WORDS.has(word) || SECRET_COMPOUND.test(word));
}

/** The marker label for a value found by its name. */
export function secretNameKind(name: string): "password" | "token" | "secret" {
  const lower = name.toLowerCase();
  if (/pass|pwd/.test(lower)) return "password";
  if (lower.includes("token")) return "token";
  return "secret";
}

const PLACEHOLDER_WORDS = new Set(
  (
    "true false null nil none undefined string number boolean any unknown required optional redacted xxx todo tbd " +
    "foo bar baz qux xyz abc example sample dummy placeholder"
  ).split(" "),
);

/** True for values that stand in for a secret rather than being one. */
export function isPlaceholderValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === "") return true;
  if (PLACEHOLDER_WORDS.has(trimmed.toLowerCase())) return true;
  if (/^\d{1,6}$/.test(trimmed)) return true;
  if (/^\$\{[^}]*\}$|^\$[A-Za-z_][A-Za-z0-9_]*$|^\$\{\{.*\}\}$|^%[A-Za-z_][A-Za-z0-9_]*%$/.test(trimmed))
    return true;
  if (/^\{\{.*\}\}$|^<[^<>]*>$|^\[REDACTED(?::[a-z0-9-]+)?\]$/i.test(trimmed)) return true;
  if (/^(?:process\.env|import\.meta\.env|os\.environ|env)[.[]/.test(trimmed)) return true;
  if (/^(?:\*{3,}|x{3,}|\.{3,}|\u2026|\u2022{3,})$/i.test(trimmed)) return true;
  if (/^(?:your|my|insert|enter|replace|put)[-_ ]/i.test(trimmed) || /[-_ ]here$/i.test(trimmed)) return true;
  return false;
}

/** Words a form or config uses as a label or field name where a password could be. */
const LABEL_WORDS = new Set(
  "password passwd passphrase pwd pass secret secrets token key keys auth hidden text masked current new confirm".split(
    " ",
  ),
);

/** "password", "secret", "token": a word that labels where a secret goes (mongodb://user:password@host). */
export function isLabelWord(value: string): boolean {
  return LABEL_WORDS.has(value.toLowerCase());
}

/**
 * How sure the context is that a value follows. "loose": a password in YAML, .env or a
 * quoted literal (`password: changeme` is a password). "strict": anywhere a name could
 * hold code (`f(password=hashed)`, `cacheKey = "users:list"`), where only a value that
 * looks generated counts.
 */
export type ValueStrength = "loose" | "strict";

/** True when a value under a secret name is a credential rather than a word, reference or label. */
export function looksLikeSecretValue(value: string, name: string, strength: ValueStrength): boolean {
  if (isPlaceholderValue(value) || isReference(value)) return false;
  const pieces = value.split(/[-_.:/@,+=~]+/).filter(Boolean);
  if (pieces.length === 0) return false;
  const isPassword = secretNameKind(name) === "password";
  const lower = value.toLowerCase();
  if (LABEL_WORDS.has(lower) || nameWords(name).includes(lower)) return false;
  if (isPassword && strength === "loose") {
    // A single word is a (weak) password here; a compound of words is a field name.
    return value.length >= 3 && (pieces.length === 1 || !pieces.every(isWordPiece));
  }
  if (value.length < (isPassword ? 6 : 8)) return false;
  if (isPassword)
    return pieces.some(
      (piece) => (/\d/.test(piece) || !/^[A-Za-z]+$/.test(piece)) && !isCompoundIdentifier(piece),
    );
  return pieces.some(isRandomPiece) || (value.length >= 32 && !pieces.every(isWordPiece));
}

/** `${VAR}`, `$(cmd)`, `{{ x }}`, paths, URLs, dotted member access: pointers to a value, not values. */
function isReference(value: string): boolean {
  if (/\s|\$\{|\$\(|\{\{|^\$|^%/.test(value)) return true;
  if (/^!+[A-Za-z_$]/.test(value)) return true; // !flag: an expression
  if (value.includes("://")) return true;
  if (/^(?:\.{1,2}\/|~\/|\/)[\w./-]*$/.test(value)) return true;
  if (/^\{.*\}$/.test(value)) return true;
  // a.b, a?.b, this.#field, a!.b: member access, when every member is a word.
  const members = value.replace(/[?!]\./g, ".").replace(/\.#/g, ".");
  return (
    /^#?[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(members) &&
    members.replace(/^#/, "").split(".").every(isWordPiece)
  );
}

/** A word, an identifier in any case style, a number or a short versioned word (utf8, F12, sha256). */
function isWordPiece(piece: string): boolean {
  if (/^\d+$/.test(piece)) return piece.length < 16;
  if (/^[A-Za-z]{1,12}\d{1,4}$|^\d{1,4}[A-Za-z]{1,4}$/.test(piece)) return true;
  if (isCompoundIdentifier(piece)) return true;
  if (!/^[A-Za-z]+$/.test(piece)) return false;
  return !isRandomLetters(piece);
}

/**
 * RsaPublicKey, DotDotDotToken, RealtimeFactoryV4Options: humps that are mostly words of
 * three letters or more, with at most one lone capital and short version numbers. A
 * generated string changes case too often for that (aZ3kQ9xLm2Pq).
 */
function isCompoundIdentifier(piece: string): boolean {
  const humps = piece.match(/[A-Z]{2,}(?![a-z])|[A-Z]?[a-z]+|\d+|[A-Z]/g) ?? [];
  if (humps.join("") !== piece) return false;
  const words = humps.filter((hump) => /[a-z]/.test(hump));
  const loneCapitals = humps.filter((hump) => /^[A-Z]$/.test(hump)).length;
  const numbers = humps.filter((hump) => /^\d+$/.test(hump));
  return (
    words.length >= 2 &&
    words.filter((word) => word.length >= 3).length >= words.length * 0.7 &&
    loneCapitals <= 1 &&
    numbers.length <= 2 &&
    numbers.every((number) => number.length <= 2)
  );
}

/** Mixed case at random (aZqPwLm…) rather than camelCase humps or an ALL_CAPS word. */
function isRandomLetters(piece: string): boolean {
  if (piece.length < 12) return false;
  const upper = piece.replace(/[^A-Z]/g, "").length;
  return upper / piece.length >= 0.25 && upper / piece.length <= 0.75;
}

/** A piece that a generator made: letters mixed with digits, long hex, base64 symbols, random case. */
function isRandomPiece(piece: string): boolean {
  if (isWordPiece(piece)) return false;
  if (/\d/.test(piece) && /[A-Za-z]/.test(piece)) return true;
  if (/^[0-9a-f]{16,}$/i.test(piece)) return true;
  if (/[^A-Za-z0-9]/.test(piece) && piece.length >= 8) return true;
  return isRandomLetters(piece);
}
