import { BlockList, isIP } from 'node:net';

/**
 * Which addresses user-supplied URLs may reach. Pure: no DNS here (see safe-fetch for where it is applied
 * to every resolved address and every redirect hop).
 *
 * Blocked: everything the IANA IPv4 and IPv6 Special-Purpose Address Registries list (loopback, RFC 1918
 * private, CGNAT, link-local incl. cloud metadata 169.254.169.254, unique-local, documentation including
 * 3fff::/20, benchmarking, SRv6 SIDs 5f00::/16, local-use NAT64 64:ff9b:1::/48, discard-only, ORCHID, Teredo,
 * reserved), multicast, and every IPv6 address outside global unicast 2000::/3. IPv6 forms that embed an
 * IPv4 address (mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, compatible ::a.b.c.d, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address. ALLOWED_PRIVATE_HOSTS is the only exception.
 */
// Separate lists: Node's BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too (::/8 would
// then block every IPv4 address).
const blocked = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 8],
  ['64:ff9b:1::', 48],
  ['100::', 63],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
  ['5f00::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked6.addSubnet(net, prefix, 'ipv6');
}
/** Global unicast: IPv6 outside it is not on the public internet (whatever it embeds is judged first). */
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** The IPv4 address hidden in an IPv6 address (mapped, translated, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address.toLowerCase());
  if (!groups) return undefined;
  const tail = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeroHead = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible; not :: or ::1), ::ffff:0:a.b.c.d (translated, RFC 2765)
  if (zeroHead && g4 === 0 && (g5 === 0xffff || (g5 === 0 && (g6 !== 0 || g7 > 1)))) return tail(g6, g7);
  if (zeroHead && g4 === 0xffff && g5 === 0) return tail(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return tail(g6, g7);
  if (g0 === 0x2002) return tail(g1, g2);
  return undefined;
}

/** Eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included), or undefined when it is not one. */
function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = text.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = text.includes('::') ? parse(tail) : [];
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}

/** True when an IP address (v4 or v6, without brackets) is not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an IP at all: never treat as safe
  if (family === 4) return blocked.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked6.check(address, 'ipv6') || !globalUnicast.check(address, 'ipv6');
}

export class AddressPolicy {
  private readonly allowed: ReadonlySet<string>;

  /** `allowedHosts`: lower-cased `host` (any port) or `host:port` entries; IPv6 hosts in brackets. */
  constructor(allowedHosts: readonly string[]) {
    this.allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  }

  /** Whether ALLOWED_PRIVATE_HOSTS lets this URL reach private addresses. */
  isAllowedHost(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.allowed.has(host) || this.allowed.has(`${host}:${port}`);
  }

  /** May a connection for `url` go to `address`? */
  permits(url: URL, address: string): boolean {
    return !isPrivateAddress(address) || this.isAllowedHost(url);
  }
}
