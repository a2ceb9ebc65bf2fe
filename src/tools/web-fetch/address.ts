import { isIP } from "node:net";

/*
 * Which hosts a fetch may not reach without the user naming them: loopback,
 * private networks, link-local (cloud metadata at 169.254.169.254), and the
 * like. A model that reads a hostile page could otherwise be talked into
 * fetching the user's router, a local admin port or the cloud's credentials
 * endpoint (server-side request forgery).
 */

const PRIVATE_V4: Array<[number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // 127/8 loopback
  [0xa9fe0000, 16], // 169.254/16 link-local (cloud metadata)
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // 224/4 multicast
  [0xf0000000, 4], // 240/4 reserved, broadcast
];

function ipv4Number(address: string): number {
  return address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
}

function isPrivateIPv4(address: string): boolean {
  const value = ipv4Number(address);
  return PRIVATE_V4.some(([base, bits]) => {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (value & mask) >>> 0 === base;
  });
}

/**
 * The eight 16-bit groups of an IPv6 address, `::` expanded and a trailing
 * dotted IPv4 part (`::ffff:127.0.0.1`) folded into the last two groups, or
 * undefined when it is not one. The URL parser and the resolver both rewrite
 * `[::ffff:127.0.0.1]` as `::ffff:7f00:1`, so judging the text form alone
 * misses it: the groups are judged instead.
 */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    if ([a, b, c, d].some((part) => part > 255)) return undefined;
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const part = (half: string | undefined) => (half ? half.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...tail].map(
    (group) => (/^[0-9a-f]{1,4}$/.test(group) ? Number.parseInt(group, 16) : Number.NaN),
  );
  return groups.some(Number.isNaN) ? undefined : groups;
}

/** The IPv4 address held in two 16-bit groups. */
function embeddedIPv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
}

function isPrivateIPv6(address: string): boolean {
  const groups = ipv6Groups(address);
  // What cannot be read is not trusted to be public.
  if (!groups) return true;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const zeroUpTo = (count: number) => groups.slice(0, count).every((group) => group === 0);
  // ::/128 unspecified, ::1 loopback, and ::/96 (IPv4-compatible, deprecated) judged as its IPv4 address.
  if (zeroUpTo(6)) return g6 === 0 || isPrivateIPv4(embeddedIPv4(g6, g7));
  // ::ffff:0:0/96 IPv4-mapped and ::ffff:0:0:0/96 IPv4-translated: the IPv4 address is where the packets go.
  if (zeroUpTo(5) && g5 === 0xffff) return isPrivateIPv4(embeddedIPv4(g6, g7));
  if (zeroUpTo(4) && g4 === 0xffff && g5 === 0) return isPrivateIPv4(embeddedIPv4(g6, g7));
  // 64:ff9b::/96 NAT64 (and 64:ff9b:1::/48, local NAT64) reach the IPv4 address they embed.
  if (g0 === 0x64 && g1 === 0xff9b) return g2 === 1 || isPrivateIPv4(embeddedIPv4(g6, g7));
  // 2002::/16 6to4 carries an IPv4 address in its next 32 bits.
  if (g0 === 0x2002) return isPrivateIPv4(embeddedIPv4(g1, g2));
  // 100::/64 discard, 2001:db8::/32 documentation.
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return true;
  if (g0 === 0x2001 && g1 === 0xdb8) return true;
  // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local (deprecated), ff00::/8 multicast.
  return (
    (g0 & 0xfe00) === 0xfc00 ||
    (g0 & 0xffc0) === 0xfe80 ||
    (g0 & 0xffc0) === 0xfec0 ||
    (g0 & 0xff00) === 0xff00
  );
}

/** Whether an IP address (v4 or v6) is loopback, private, link-local or otherwise not the public internet. */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) return isPrivateIPv4(address);
  if (version === 6) return isPrivateIPv6(address);
  return false;
}

/**
 * A URL's host without IPv6 brackets, lower case and without the trailing dot
 * of a fully qualified name: what `WebFetch(domain:…)` rules name. `evil.com.`
 * is the same host as `evil.com`, so a deny rule for one must stop the other.
 */
export function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.$/, "");
}

/**
 * Whether a host is private on its face (an address literal or `localhost`),
 * before any lookup; a name that resolves to a private address is caught when
 * the fetch looks it up.
 */
export function isPrivateHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return isPrivateAddress(host);
}
