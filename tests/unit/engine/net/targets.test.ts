import { describe, expect, it } from 'vitest';
import { datagramSendTarget, fetchTarget, hostPort, socketConnectTarget } from '../../../../engine/net/targets';

describe('socketConnectTarget (Node argument shapes of net.Socket#connect)', () => {
  const cb = () => undefined;
  it.each<[string, unknown[], ReturnType<typeof socketConnectTarget>]>([
    ['options object', [{ host: '10.0.0.1', port: 80 }], { kind: 'tcp', host: '10.0.0.1', port: 80 }],
    ['options without host', [{ port: 80 }], { kind: 'tcp', host: '', port: 80 }],
    ['options with a path', [{ path: '/tmp/x.sock', host: '10.0.0.1' }], { kind: 'pipe', path: '/tmp/x.sock' }],
    ['port, host, callback', [443, 'example.com', cb], { kind: 'tcp', host: 'example.com', port: 443 }],
    ['port only', [8080], { kind: 'tcp', host: '', port: 8080 }],
    ['numeric string port', ['8080', 'example.com'], { kind: 'tcp', host: 'example.com', port: '8080' }],
    ['pipe path string', ['/run/app.sock', cb], { kind: 'pipe', path: '/run/app.sock' }],
    ['pre-normalised array', [[{ host: '1.1.1.1', port: 443 }, null]], { kind: 'tcp', host: '1.1.1.1', port: 443 }],
  ])('%s', (_name, args, expected) => {
    expect(socketConnectTarget(args)).toEqual(expected);
  });
});

describe('hostPort', () => {
  it('brackets IPv6 and names the localhost default', () => {
    expect(hostPort('2001:db8::1', 22)).toBe('[2001:db8::1]:22');
    expect(hostPort('', 80)).toBe('localhost:80');
    expect(hostPort('example.com', undefined)).toBe('example.com');
  });
});

describe('datagramSendTarget (dgram.Socket#send on an unconnected socket)', () => {
  const cb = () => undefined;
  it('msg, port, address, callback', () => {
    expect(datagramSendTarget(['x', 53, '10.0.0.1', cb])).toEqual({ port: 53, address: '10.0.0.1', callback: cb });
  });
  it('msg, offset, length, port, address, callback', () => {
    expect(datagramSendTarget([Buffer.from('xyz'), 0, 3, 53, '10.0.0.1', cb])).toEqual({ port: 53, address: '10.0.0.1', callback: cb });
  });
  it('msg, port, callback: the socket default (loopback) address', () => {
    expect(datagramSendTarget(['x', 53, cb])).toEqual({ port: 53, address: undefined, callback: cb });
  });
  it('msg, port, empty address', () => {
    expect(datagramSendTarget(['x', 53, ''])).toEqual({ port: 53, address: undefined, callback: undefined });
  });
});

describe('fetchTarget', () => {
  it('reads strings, URLs and Requests', () => {
    expect(fetchTarget('http://93.184.216.34/')).toEqual({ host: '93.184.216.34', shown: '93.184.216.34' });
    expect(fetchTarget(new URL('https://example.com:8443/a'))).toEqual({ host: 'example.com', shown: 'example.com:8443' });
    expect(fetchTarget(new Request('http://[::1]:9/'))).toEqual({ host: '[::1]', shown: '[::1]:9' });
  });
  it('is null for URLs that name no network host', () => {
    expect(fetchTarget('data:text/plain,hi')).toBeNull();
    expect(fetchTarget('not a url')).toBeNull();
    expect(fetchTarget(42)).toBeNull();
  });
});
