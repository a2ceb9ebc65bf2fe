import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's base32, lower case: no i, l, o, u to misread.

/**
 * A session id that sorts by creation time and reads as a date:
 * `20251124-045812-k3m9x2qa` (UTC), the random tail (40 bits) keeping ids
 * unique across processes started in the same second.
 */
export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const bytes = randomBytes(8);
  let tail = "";
  for (const byte of bytes) tail += ALPHABET[byte % ALPHABET.length];
  return `${stamp}-${tail}`;
}
