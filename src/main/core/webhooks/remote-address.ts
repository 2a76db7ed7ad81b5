// Who sent a delivery, for the rejection log. The socket's address, always, unless that
// address is a proxy the person trusts (config.json `trustedProxies`): only then is
// X-Forwarded-For read, from the right, skipping trusted hops. Anyone can write that header,
// so without a trusted proxy it would let a sender put any address in the log.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An address or a CIDR range, as config.json may list it; throws on anything else. */
export function parseTrustedProxy(entry: string): Range {
  const text = entry.trim();
  if (text.includes('/')) return ipaddr.parseCIDR(text);
  const ip = ipaddr.parse(text);
  return [ip, ip.kind() === 'ipv4' ? 32 : 128];
}

export function isTrustedProxyEntry(entry: string): boolean {
  try {
    parseTrustedProxy(entry);
    return true;
  } catch {
    return false;
  }
}

/** The address in a socket or X-Forwarded-For entry, IPv4-mapped IPv6 as IPv4; null if none. */
export function normalizeAddress(raw: string | undefined): string | null {
  if (!raw) return null;
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (!net.isIP(text)) return null;
  return ipaddr.process(text).toString();
}

export type RemoteAddress = (socketAddress: string | undefined, forwardedFor: string | string[] | undefined) => string | null;

export function createRemoteAddress(trustedProxies: readonly string[]): RemoteAddress {
  const ranges = trustedProxies.map(parseTrustedProxy);
  const trusted = (address: string): boolean => {
    if (ranges.length === 0) return false;
    const ip = ipaddr.parse(address);
    return ranges.some(([net, bits]) => ip.kind() === net.kind() && ip.match(net, bits));
  };
  return (socketAddress, forwardedFor) => {
    let address = normalizeAddress(socketAddress);
    if (address === null || !trusted(address)) return address;
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
    // Each proxy appends the address it was reached from, so the right end is the nearest
    // hop; the first untrusted one from the right is the sender, and nothing left of it
    // can be believed.
    const hops = header.split(',').map((h) => h.trim()).filter(Boolean).reverse();
    for (const hop of hops) {
      const ip = normalizeAddress(hop);
      if (ip === null) return address; // garbage from a trusted proxy: stop at what is known
      address = ip;
      if (!trusted(ip)) return ip;
    }
    return address;
  };
}
