// Where Tidings may deliver. A target on a private, loopback or link-local address is
// refused unless the person allowed that one target (a local dev server), so that a URL
// typed into Tidings cannot be used to reach the machine's or the network's own services.
// Addresses are checked when connecting, after DNS, not only when a target is saved: a
// name that resolves to a public address today may resolve to 127.0.0.1 tomorrow.
import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an address is not public, or null when it is an ordinary unicast address. */
export function addressProblem(address: string): string | null {
  const bare = canonicalIPv6(address.replace(/^\[|\]$/g, ''));
  if (!ipaddr.isValid(bare)) return `"${address}" is not an IP address`;
  const compatible = ipv4Compatible(bare);
  if (compatible) return compatible;
  // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1) into the IPv4 address it carries.
  const ip = ipaddr.process(bare);
  const range = ip.range();
  if (range === 'unicast') return null;
  const names: Record<string, string> = {
    loopback: 'a loopback address (this machine)',
    private: 'a private network address',
    linkLocal: 'a link-local address (cloud metadata services live here)',
    uniqueLocal: 'a private (unique local) IPv6 address',
    unspecified: 'the unspecified address (it reaches this machine)',
    carrierGradeNat: 'a carrier-grade NAT address',
    broadcast: 'a broadcast address',
    multicast: 'a multicast address',
    reserved: 'a reserved address',
  };
  return `${ip.toString()} is ${names[range] ?? `a special-purpose address (${range})`}`;
}

/**
 * IPv6 text as the URL parser writes it. ipaddr.js reads a dotted tail after "::" as
 * IPv4-mapped (`::127.0.0.1` as `::ffff:7f00:1`), while URLs and sockets read it as
 * IPv4-compatible (`::7f00:1`); the URL parser's reading is the one a connection uses.
 */
function canonicalIPv6(bare: string): string {
  if (!net.isIPv6(bare)) return bare;
  try {
    return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return bare;
  }
}

/**
 * ::/96 (IPv4-compatible IPv6, deprecated by RFC 4291) carries an IPv4 address in its last
 * 32 bits, and some systems route `::7f00:1` to 127.0.0.1. ipaddr.js calls it unicast, so it
 * is refused here, whatever IPv4 address it carries. `::` and `::1` keep their own names.
 */
function ipv4Compatible(bare: string): string | null {
  if (!net.isIPv6(bare)) return null;
  const ip = ipaddr.IPv6.parse(bare);
  if (ip.parts.slice(0, 6).some((p) => p !== 0)) return null;
  const range = ip.range();
  if (range === 'unspecified' || range === 'loopback') return null;
  const carried = ipaddr.fromByteArray(ip.toByteArray().slice(12)).toString();
  return `${ip.toString()} is a reserved address (IPv4-compatible IPv6, ::/96, which some systems route to ${carried})`;
}

export class BlockedAddressError extends Error {
  readonly code = 'TIDINGS_BLOCKED_ADDRESS';
}

/** The host of a URL as an IP literal, or null when it is a name. */
export function literalHost(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) ? host : null;
}

const LOCAL_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/**
 * Checks a target URL before it is saved. Names are resolved too when `resolve` is given,
 * so the person hears about a local address now rather than at the first delivery.
 */
export async function checkTargetUrl(
  raw: string,
  allowPrivate: boolean,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<string | null> {
  if (allowPrivate) return null;
  const url = new URL(raw);
  const literal = literalHost(url);
  const hint = 'If this is your own dev server, allow a local address for this target (--allow-private, or "Allow local address" in the app).';
  if (literal) {
    const problem = addressProblem(literal);
    return problem ? `${raw} points at ${problem}. ${hint}` : null;
  }
  if (LOCAL_NAMES.test(url.hostname)) return `${url.hostname} is this machine. ${hint}`;
  let addresses: string[];
  try {
    addresses = await resolve(url.hostname);
  } catch {
    return null; // offline or not yet in DNS: checked again at every connection
  }
  for (const a of addresses) {
    const problem = addressProblem(a);
    if (problem) return `${url.hostname} resolves to ${problem}. ${hint}`;
  }
  return null;
}

export async function resolveAll(host: string): Promise<string[]> {
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  return found.map((f) => f.address);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves the name and refuses the connection when any
 * address is not public. Every address is checked, not only the first, so a name with one
 * public and one private record cannot slip through on a retry.
 */
export function guardedLookup(resolve: (host: string) => Promise<string[]> = resolveAll) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        for (const a of addresses) {
          const problem = addressProblem(a);
          if (problem) {
            callback(new BlockedAddressError(`refused to connect: ${hostname} resolves to ${problem}`), '');
            return;
          }
        }
        const first = addresses[0];
        if (!first) {
          callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), '');
          return;
        }
        if (options.all) callback(null, addresses.map((address) => ({ address, family: net.isIP(address) })));
        else callback(null, first, net.isIP(first));
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}
