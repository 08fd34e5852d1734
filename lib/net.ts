/**
 * IPv4 CIDR arithmetic for network planning (subnets, fixed host addresses, overlap checks), on top of
 * `ipaddr.js` (https://github.com/whitequark/ipaddr.js).
 */
import ipaddr from 'ipaddr.js';

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  /** Canonical text, e.g. `10.0.0.0/16`. */
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly first: number;
  /** Last address as an unsigned 32-bit integer. */
  readonly last: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

function toInt(addr: ipaddr.IPv4): number {
  return addr.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
}

function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Parses an IPv4 CIDR. The address must be the network address of the block (`10.0.1.0/24`, not
 * `10.0.1.5/24`), so that what the user wrote is what Hetzner creates.
 *
 * @returns the parsed block, or a string saying what is wrong.
 */
export function parseCidr(text: string): Cidr | string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) || !ipaddr.IPv4.isValidCIDR(text)) {
    return 'must be an IPv4 CIDR block such as 10.0.0.0/16';
  }
  const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
  const first = toInt(ipaddr.IPv4.networkAddressFromCIDR(text));
  if (toInt(addr) !== first) {
    return `has host bits set; the network address of this block is ${fromInt(first)}/${prefix}`;
  }
  const size = 2 ** (32 - prefix);
  return { text, first, last: first + size - 1, prefix };
}

/** Parses a CIDR the caller has already validated; throws `Error` on invalid input. */
export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') throw new Error(`${text}: ${parsed}`);
  return parsed;
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/**
 * The `index`-th block of size `/prefix` inside `block`, e.g. `subnet(10.0.0.0/16, 24, 1)` = `10.0.1.0/24`.
 *
 * @throws Error when the subnet would not fit in the block.
 */
export function subnet(block: Cidr, prefix: number, index: number): Cidr {
  const size = 2 ** (32 - prefix);
  const first = block.first + size * index;
  if (prefix < block.prefix || first + size - 1 > block.last) {
    throw new Error(`subnet #${index} of size /${prefix} does not fit in ${block.text}`);
  }
  return mustParseCidr(`${fromInt(first)}/${prefix}`);
}

/**
 * The `offset`-th address of a block, e.g. `host(10.0.1.0/24, 2)` = `10.0.1.2`.
 *
 * @throws Error when the offset is outside the block.
 */
export function host(block: Cidr, offset: number): string {
  if (offset < 0 || block.first + offset > block.last) throw new Error(`address #${offset} is outside ${block.text}`);
  return fromInt(block.first + offset);
}

/**
 * Checks a firewall source: an IPv4 or IPv6 CIDR block (`203.0.113.0/24`, `2001:db8::/32`).
 *
 * @returns `undefined` when valid, otherwise what is wrong.
 */
export function checkSourceCidr(text: string): string | undefined {
  if (!text.includes('/') || !ipaddr.isValidCIDR(text)) return 'must be an IPv4 or IPv6 CIDR block such as 203.0.113.0/24 or 2001:db8::/32';
  const [addr, prefix] = ipaddr.parseCIDR(text);
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  if (network.toString() !== addr.toString()) return `has host bits set; the network address of this block is ${network.toString()}/${prefix}`;
  return undefined;
}

/** IPv4 blocks shorter than this prefix (more than a /8) count as the whole internet for firewall sources. */
export const INTERNET_WIDE_IPV4_PREFIX = 8;
/** IPv6 blocks shorter than this prefix count as the whole internet for firewall sources. */
export const INTERNET_WIDE_IPV6_PREFIX = 16;

/** The IPv4-mapped IPv6 range (RFC 4291 section 2.5.5.2): `::ffff:a.b.c.d` is the IPv4 address `a.b.c.d`. */
export const IPV4_MAPPED_IPV6_CIDR = '::ffff:0:0/96';

const IPV4_MAPPED = ipaddr.parseCIDR(IPV4_MAPPED_IPV6_CIDR);

/**
 * The IPv4 block an IPv6 block inside `::ffff:0:0/96` stands for (`::ffff:10.0.0.0/104` →
 * `10.0.0.0/8`), or `undefined` for any other block.
 *
 * @param text a CIDR that passed `checkSourceCidr`
 */
export function mappedIpv4(text: string): string | undefined {
  const [addr, prefix] = ipaddr.parseCIDR(text);
  if (addr.kind() !== 'ipv6' || prefix < IPV4_MAPPED[1] || !(addr as ipaddr.IPv6).isIPv4MappedAddress()) return undefined;
  return `${(addr as ipaddr.IPv6).toIPv4Address().toString()}/${prefix - IPV4_MAPPED[1]}`;
}

/**
 * Whether a valid source CIDR opens a port to the whole internet or a large part of it: `0.0.0.0/0`,
 * `::/0`, and any IPv4 block larger than a /8 or IPv6 block larger than a /16 (so splitting
 * `0.0.0.0/0` into `0.0.0.0/1` + `128.0.0.0/1` is caught too). IPv4-mapped IPv6 blocks count as the
 * IPv4 block they stand for, so `::ffff:0:0/96` (every IPv4 address) and any IPv6 block containing it
 * are internet-wide too. A block inside a non-public range (`fc00::/7`, see `nonPublicRange`) is not.
 *
 * @param text a CIDR that passed `checkSourceCidr`
 */
export function isInternetWide(text: string): boolean {
  if (nonPublicRange(text) !== undefined) return false;
  const [addr, prefix] = ipaddr.parseCIDR(text);
  if (addr.kind() === 'ipv4') return prefix < INTERNET_WIDE_IPV4_PREFIX;
  if (prefix < INTERNET_WIDE_IPV6_PREFIX) return true;
  const mapped = mappedIpv4(text);
  if (mapped !== undefined) return isInternetWide(mapped);
  return prefix <= IPV4_MAPPED[1] && IPV4_MAPPED[0].match(addr, prefix);
}

/** The private (RFC 1918) IPv4 ranges as CIDR text, in address order. */
export const PRIVATE_IPV4_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
/** The IPv6 unique local addresses (RFC 4193), IPv6's private range. */
export const PRIVATE_IPV6_CIDRS = ['fc00::/7'] as const;
/** Link-local ranges (RFC 3927, RFC 4291): Hetzner's metadata service answers at 169.254.169.254. */
export const LINK_LOCAL_CIDRS = {
  /** IPv4 link-local (RFC 3927). */
  ipv4: '169.254.0.0/16',
  /** IPv6 link-local unicast (RFC 4291). */
  ipv6: 'fe80::/10',
} as const;
/** Loopback ranges: the host itself. */
export const LOOPBACK_CIDRS = {
  /** IPv4 loopback (RFC 1122). */
  ipv4: '127.0.0.0/8',
  /** The one IPv6 loopback address (RFC 4291). */
  ipv6: '::1/128',
} as const;

/** A range no packet from the internet comes from: one entry of {@link NON_PUBLIC_RANGES}. */
export interface NonPublicRange {
  /** The range as CIDR text, e.g. `10.0.0.0/8`. */
  readonly cidr: string;
  /** What the range is, as a noun phrase for messages, e.g. `a private range (RFC 1918)`. */
  readonly what: string;
}

/**
 * Ranges no packet from the internet comes from, so a firewall source inside one never matches
 * public traffic: private, link-local and loopback ranges, each with what it is (for messages).
 */
export const NON_PUBLIC_RANGES: readonly NonPublicRange[] = [
  ...PRIVATE_IPV4_CIDRS.map((cidr) => ({ cidr, what: 'a private range (RFC 1918)' })),
  ...PRIVATE_IPV6_CIDRS.map((cidr) => ({ cidr, what: 'a private range (IPv6 unique local addresses, RFC 4193)' })),
  { cidr: LINK_LOCAL_CIDRS.ipv4, what: 'a link-local range' },
  { cidr: LINK_LOCAL_CIDRS.ipv6, what: 'a link-local range' },
  { cidr: LOOPBACK_CIDRS.ipv4, what: 'a loopback range' },
  { cidr: LOOPBACK_CIDRS.ipv6, what: 'a loopback range' },
];

/**
 * The non-public range (see `NON_PUBLIC_RANGES`) a valid source CIDR lies entirely inside, reading an
 * IPv4-mapped IPv6 block as its IPv4 block; `undefined` when the block holds any public address.
 *
 * @param text a CIDR that passed `checkSourceCidr`
 */
export function nonPublicRange(text: string): NonPublicRange | undefined {
  const [addr, prefix] = ipaddr.parseCIDR(mappedIpv4(text) ?? text);
  return NON_PUBLIC_RANGES.find((range) => {
    const [base, bits] = ipaddr.parseCIDR(range.cidr);
    return base.kind() === addr.kind() && prefix >= bits && addr.match(base, bits);
  });
}

/** The private (RFC 1918) IPv4 ranges Hetzner accepts for networks, parsed. */
export const PRIVATE_RANGES: readonly Cidr[] = PRIVATE_IPV4_CIDRS.map(mustParseCidr);
