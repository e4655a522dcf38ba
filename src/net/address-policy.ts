import { BlockList, isIP } from 'node:net';

/**
 * Which addresses user-supplied URLs may reach. Pure: no DNS here (see safe-fetch for where it is applied
 * to every resolved address and every redirect hop).
 *
 * Blocked: loopback, RFC 1918 private, CGNAT, link-local (incl. cloud metadata 169.254.169.254), unique-local
 * IPv6, multicast, documentation/benchmark/reserved ranges, and IPv6 forms that embed one of those IPv4
 * addresses (IPv4-mapped, NAT64, 6to4). Hosts listed in ALLOWED_PRIVATE_HOSTS are the only exception.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['fc00::', 7],
  ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address hidden in an IPv6 address (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const groups = expandIpv6(lower);
  if (!groups) return undefined;
  const tail = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && (g5 === 0xffff || g5 === 0) && (g6 || g7)) {
    return tail(g6, g7);
  }
  if (g0 === 0x64 && g1 === 0xff9b) return tail(g6, g7);
  if (g0 === 0x2002) return tail(g1, g2);
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6 || address.includes('.')) return undefined;
  const [head = '', tail = ''] = address.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = address.includes('::') ? parse(tail) : [];
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}

/** True when an IP address (v4 or v6, without brackets) is not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an IP at all: never treat as safe
  if (family === 4) return blocked.check(address, 'ipv4');
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return blocked.check(v4, 'ipv4');
  return blocked.check(address, 'ipv6');
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
