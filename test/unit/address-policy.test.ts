import { describe, expect, it } from 'vitest';
import { AddressPolicy, embeddedIpv4, isPrivateAddress } from '../../src/net/address-policy.js';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a00:1',
    '2002:c0a8:0101::1',
    '::127.0.0.1',
  ])('blocks %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['93.184.216.34', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows public %s',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );

  // IANA special-purpose registries (issue 10): forms the old list let through, and the rest of the IPv6 table.
  it.each([
    '::ffff:0:127.0.0.1',
    '::ffff:0:7f00:1',
    '::ffff:0:a9fe:a9fe',
    '3fff::1',
    '3fff:fff:ffff::1',
    '5f00::1',
    '5f00:ffff::1',
    '64:ff9b:1::a00:1',
    '64:ff9b:1::808:808',
    '100::1',
    '100:0:0:1::1',
    '2001::1',
    '2001:2::1',
    '2001:10::1',
    '2001:20::1',
    '2001:db8:85a3::8a2e:370:7334',
    'fec0::1',
    '4000::1',
    '1234::1',
    'e000::1',
    '::2',
    '::ffff:0:0',
    '2002:7f00:1::',
    '192.0.0.8',
    '192.88.99.1',
    '203.0.113.9',
    '198.51.100.7',
    '240.0.0.1',
    '64:ff9b::127.0.0.1',
    '::ffff:0:10.0.0.1',
  ])('blocks special-purpose %s', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['64:ff9b::808:808', '2002:808:808::1', '::ffff:0:8.8.8.8', '2a00:1450:4001::200e', '2001:4860:4860::8888'])(
    'allows globally reachable %s',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );

  it('never treats a non-address as safe', () => expect(isPrivateAddress('localhost')).toBe(true));

  it('extracts IPv4 hidden in IPv6 forms', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::c0a8:1')).toBe('192.168.0.1');
    expect(embeddedIpv4('2002:0a00:0001::')).toBe('10.0.0.1');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });
});

describe('AddressPolicy', () => {
  it('lets listed hosts (any port, or one port) reach private addresses', () => {
    const policy = new AddressPolicy(['nas.local', '127.0.0.1:8000']);
    expect(policy.permits(new URL('http://nas.local:1234/x'), '192.168.1.5')).toBe(true);
    expect(policy.permits(new URL('http://127.0.0.1:8000/x'), '127.0.0.1')).toBe(true);
    expect(policy.permits(new URL('http://127.0.0.1:8001/x'), '127.0.0.1')).toBe(false);
    expect(policy.permits(new URL('http://other.example/x'), '10.0.0.1')).toBe(false);
    expect(policy.permits(new URL('http://other.example/x'), '93.184.216.34')).toBe(true);
  });
});
