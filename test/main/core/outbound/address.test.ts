// Which addresses outbound delivery refuses, and the connect-time lookup guard.
import { describe, expect, it } from 'vitest';
import { addressProblem, checkTargetUrl, guardedLookup } from '../../../../src/main/core/outbound/address';

describe('addressProblem', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.9.9.9', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /127\.0\.0\.1 is a loopback/],
    ['::ffff:7f00:1', /127\.0\.0\.1 is a loopback/],
    ['[::ffff:a9fe:a9fe]', /169\.254\.169\.254 is a link-local/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['10.1.2.3', /private network/],
    ['172.16.0.1', /private network/],
    ['192.168.0.1', /private network/],
    ['fd12:3456::1', /unique local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['64:ff9b::7f00:1', /special-purpose/],
    ['2002:7f00:1::', /special-purpose/],
    ['not-an-ip', /not an IP address/],
    // ::/96, IPv4-compatible IPv6: the dotted and the hex spelling, whatever IPv4 address it carries.
    ['::127.0.0.1', /::7f00:1 is a reserved address \(IPv4-compatible IPv6, ::\/96, which some systems route to 127\.0\.0\.1\)/],
    ['[::7f00:1]', /IPv4-compatible IPv6.*127\.0\.0\.1/],
    ['::a9fe:a9fe', /IPv4-compatible IPv6.*169\.254\.169\.254/],
    ['::8.8.8.8', /IPv4-compatible IPv6.*8\.8\.8\.8/],
    ['::0.0.0.2', /IPv4-compatible IPv6/],
  ])('%s is refused', (address, why) => {
    expect(addressProblem(address)).toMatch(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('%s is public', (address) => {
    expect(addressProblem(address)).toBeNull();
  });
});

describe('checkTargetUrl', () => {
  const resolveTo = (addresses: string[]) => async () => addresses;
  it('lets anything through for a target that allows local addresses', async () => {
    expect(await checkTargetUrl('http://127.0.0.1:3000/', true)).toBeNull();
  });
  it('refuses decimal, octal and hex spellings of loopback', async () => {
    for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.0.0.1/', 'http://127.1/']) {
      expect(await checkTargetUrl(url, false, resolveTo([]))).toMatch(/loopback/);
    }
  });
  it('refuses IPv4-compatible IPv6 literals (::/96), which the URL parser writes in hex', async () => {
    for (const url of ['http://[::127.0.0.1]:3000/hook', 'http://[::7f00:1]/', 'https://[0:0:0:0:0:0:7f00:1]/x']) {
      expect(await checkTargetUrl(url, false, resolveTo([]))).toMatch(/IPv4-compatible IPv6, ::\/96, which some systems route to 127\.0\.0\.1/);
    }
    expect(await checkTargetUrl('http://[::127.0.0.1]:3000/hook', true)).toBeNull();
  });
  it('resolves names, refusing if any address is private', async () => {
    expect(await checkTargetUrl('https://hooks.example.com/x', false, resolveTo(['93.184.216.34']))).toBeNull();
    expect(await checkTargetUrl('https://hooks.example.com/x', false, resolveTo(['93.184.216.34', '10.0.0.1']))).toMatch(/resolves to 10\.0\.0\.1/);
  });
  it('accepts a name that does not resolve yet, since every connection is checked', async () => {
    const failing = async () => {
      throw Object.assign(new Error('offline'), { code: 'ENOTFOUND' });
    };
    expect(await checkTargetUrl('https://not-yet.example/x', false, failing)).toBeNull();
  });
});

describe('guardedLookup', () => {
  const lookup = (addresses: string[], all = false) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) => {
      guardedLookup(async () => addresses)('host.example', { all }, (err, address) => resolve({ err, address }));
    });
  it('passes public addresses through, in the form the caller asked for', async () => {
    expect(await lookup(['93.184.216.34'])).toEqual({ err: null, address: '93.184.216.34' });
    expect((await lookup(['93.184.216.34', '2606:4700::1'], true)).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
  });
  it('refuses a name whose AAAA record is an IPv4-compatible address', async () => {
    const { err } = await lookup(['93.184.216.34', '::7f00:1']);
    expect(err?.message).toMatch(/refused to connect: host\.example resolves to ::7f00:1 is a reserved address \(IPv4-compatible/);
  });
  it('refuses the connection when any address is private', async () => {
    const { err } = await lookup(['93.184.216.34', '::ffff:10.0.0.1']);
    expect(err?.message).toMatch(/refused to connect: host\.example resolves to 10\.0\.0\.1 is a private network address/);
  });
});
