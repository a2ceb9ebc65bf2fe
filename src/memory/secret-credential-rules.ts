import { type SecretRule, textBefore } from "./secret-rule.ts";
import { isLabelWord, isPlaceholderValue } from "./secret-values.ts";

/**
 * Credentials recognised by where they sit rather than by their own format: key
 * blocks, URLs with a password, HTTP Authorization headers, .netrc and .pgpass
 * lines, Azure connection strings and SAS signatures. Command lines are in
 * secret-command-rules.ts.
 */

const hasDigitAndLetter = (value: string) => /\d/.test(value) && /[A-Za-z]/.test(value);
/** A password typed in a file or command: anything but a placeholder ("pw" in docs), a reference or a flag. */
export const isTypedPassword = (value: string) =>
  value.length >= 3 && !isPlaceholderValue(value) && !value.startsWith("-") && !/^\$|^\$\(|\$\{/.test(value);

/** "dXNlcjpwYXNz" → true: the base64 of "user:pass" is what Basic auth carries. */
function isBasicCredential(encoded: string): boolean {
  const decoded = Buffer.from(encoded, "base64").toString("latin1");
  return /^[\x20-\x7e]{1,256}:[\x20-\x7e]{1,256}$/.test(decoded);
}

export const KEY_BLOCK_RULES: SecretRule[] = [
  // Multi-line blocks first; lazy but bounded, so an unterminated BEGIN costs one bounded scan.
  {
    kind: "private-key",
    keywords: ["private key"],
    pattern:
      /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----([\s\S]{0,65536}?)-----END (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/dg,
    group: 1,
    trimEdges: true,
  },
  // A truncated block (no END line) still has its base64 body redacted.
  {
    kind: "private-key",
    keywords: ["private key"],
    pattern:
      /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----([A-Za-z0-9+/=\s\\:,-]{0,65536})/dg,
    group: 1,
    trimEdges: true,
  },
  // PuTTY key files carry the private half after "Private-Lines: N".
  {
    kind: "private-key",
    keywords: ["private-lines"],
    pattern:
      /^(?:[ \t]{0,16}\d{1,9}\t)?Private-Lines: \d{1,3}\r?\n((?:[A-Za-z0-9+/=]{1,128}\r?\n?){1,64})/dgm,
    group: 1,
    trimEdges: true,
  },
];

export const CREDENTIAL_RULES: SecretRule[] = [
  {
    kind: "aws-secret-key",
    keywords: ["secret"],
    pattern:
      /(?<![A-Za-z0-9_])(?:aws_?)?secret_?(?:access_?)?key(?:_?id)?["']?\s{0,8}(?:=|:|=>)\s{0,8}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/dgi,
    group: 1,
  },
  // Azure storage and service bus connection strings, and SAS tokens in URLs.
  {
    kind: "azure-key",
    keywords: ["accountkey", "sharedaccesskey", "sharedsecretvalue"],
    pattern: /\b(?:AccountKey|SharedAccessKey|SharedSecretValue)=([A-Za-z0-9+/]{20,200}={0,2})/dgi,
    group: 1,
  },
  {
    kind: "azure-sas",
    keywords: ["sig="],
    pattern: /[?&;]sig=([A-Za-z0-9%+/=_-]{20,512})/dg,
    group: 1,
  },
  {
    kind: "password",
    // Password=…; in an ADO.NET or JDBC connection string: after ";", a quote or a line start.
    keywords: ["password=", "pwd="],
    pattern: /(?:^|[;"'\t])[ \t]{0,4}(?:Password|Pwd)=([^;"'\s]{1,512})(?=;|["'\s]|$)/dgim,
    group: 1,
    accept: (secret) => isTypedPassword(secret),
  },
  {
    kind: "basic-auth",
    keywords: ["basic"],
    pattern: /\bBasic[ \t]{1,8}([A-Za-z0-9+/]{6,2048}={0,2})(?![A-Za-z0-9+/=])/dg,
    group: 1,
    accept: isBasicCredential,
  },
  {
    kind: "bearer-token",
    keywords: ["bearer", "token", "bot"],
    pattern: /\b(?:Bearer|Token|Bot)[ \t]{1,8}([A-Za-z0-9._~+/-]{16,2048}=*)/dg,
    group: 1,
    accept: (secret) => hasDigitAndLetter(secret),
  },
  // scheme://user:password@host — the user may be empty (redis://:password@host).
  {
    kind: "url-password",
    keywords: ["://"],
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/?#"'<>]{0,256}:([^\s@/?#"'<>]{1,256})@/dgi,
    group: 1,
    accept: (secret) => secret.length >= 3 && !isPlaceholderValue(secret) && !isLabelWord(secret),
  },
  // .netrc: "machine host login user password secret", on one line or several (numbered as Read shows them).
  {
    kind: "password",
    keywords: ["password"],
    pattern:
      /\b(?:machine[ \t]{1,8}\S{1,256}|default)(?:\s{1,64}(?:\d{1,9}\t[ \t]{0,64})?(?:login|account|port)[ \t]{1,8}\S{1,256}){0,3}\s{1,64}(?:\d{1,9}\t[ \t]{0,64})?password[ \t]{1,8}(\S{1,256})/dg,
    group: 1,
    accept: isTypedPassword,
  },
  // .pgpass: hostname:port:database:username:password, one entry per line (behind Read's "  12\t", even twice: Read of a
  // file that holds Read output).
  {
    kind: "password",
    keywords: [":"],
    pattern:
      /^(?:[ \t]{0,16}\d{1,9}\t){0,2}[ \t]{0,16}[A-Za-z0-9_.*-]{1,253}:(?:\d{1,5}|\*):[^:\s]{1,128}:[^:\s]{1,128}:([^\s]{1,256})[ \t]*$/dgm,
    group: 1,
    accept: isTypedPassword,
  },
  // Datadog keys are bare hex: only the vendor's name just before tells them from a hash.
  {
    kind: "datadog-key",
    keywords: ["datadog", "dd"],
    pattern: /\b(?:[a-f0-9]{32}|[a-f0-9]{40})\b/dgi,
    accept: (_secret, match) => /\b(?:datadog|dd)(?![a-z])/i.test(textBefore(match, 48)),
  },
];
