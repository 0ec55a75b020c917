import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from '../../../../engine/net/loopback';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'localhost.', '', null, undefined])(
    '%j is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['10.255.255.1', '93.184.216.34', '1.1.1.1', '0.0.0.0', '::', '::ffff:10.0.0.1', '2001:db8::1', 'fe80::1%eth0', '128.0.0.1', '126.255.255.255', 'example.com', 'localhost.example.com', 'my-localhost', '127.0.0.1.nip.io', '127.1'])(
    '%j is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('isLoopbackAddress', () => {
  it('accepts only IP literals', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1%lo')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(false);
    expect(isLoopbackAddress('8.8.8.8')).toBe(false);
  });
});
