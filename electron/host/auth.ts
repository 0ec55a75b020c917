import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { inputError } from '../../engine/errors';

// The host's gate: a per-run token, the exact Host and Origin of the host itself. The token keeps
// other local users and other local pages out; the Host check stops DNS-rebinding pages; the
// Origin check stops any other origin from opening the socket with a stolen cookie.

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

/** 32 random bytes, base64url: 43 characters, URL- and cookie-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function checkToken(token: string): string {
  if (!TOKEN_PATTERN.test(token)) {
    throw inputError('HOST_BAD_TOKEN', 'The host token must be 32 to 128 characters of A-Z, a-z, 0-9, "_" or "-"');
  }
  return token;
}

export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not isolated by port, so each host's cookie carries its port in the name. */
export function cookieName(port: number): string {
  return `aiprod_token_${port}`;
}

export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** The `token` query parameter of a raw request target, if any. */
export function queryToken(rawUrl: string): string | undefined {
  const q = rawUrl.indexOf('?');
  if (q === -1) return undefined;
  return new URLSearchParams(rawUrl.slice(q + 1)).get('token') ?? undefined;
}

export interface Gate {
  port: number;
  /** http://127.0.0.1:<port>: the only Origin accepted on the socket. */
  origin: string;
  /** 127.0.0.1:<port>: the only Host header accepted. */
  host: string;
  cookie: string;
  token: string;
}

export function hostHeaderOk(gate: Gate, request: IncomingMessage): boolean {
  return request.headers.host === gate.host;
}

export function hasToken(gate: Gate, request: IncomingMessage, options: { allowQuery: boolean }): boolean {
  if (tokensEqual(gate.token, readCookie(request, gate.cookie))) return true;
  return options.allowQuery && tokensEqual(gate.token, queryToken(request.url ?? ''));
}
