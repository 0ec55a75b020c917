import { createHash } from 'node:crypto';

// The report's content hash is the SHA-256 of its canonical JSON: object keys sorted by UTF-16 code
// units at every depth, no whitespace, strings and numbers as JSON.stringify writes them. For the
// values a report holds (strings, finite numbers, booleans, null, arrays, plain objects) this is the
// JSON Canonicalization Scheme of RFC 8785, so anyone can recompute the hash with a JCS library.

export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue };

function canonical(value: unknown, where: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // NaN and Infinity have no JSON form: a report holding one is a bug, not something to hash.
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${where} is ${String(value)}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item, i) => canonical(item, `${where}[${i}]`)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, `${where}.${k}`)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON: ${where} is a ${typeof value}, which JSON cannot hold`);
}

/** The canonical JSON text of a value; keys whose value is undefined are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return canonical(value, '$');
}

/** SHA-256 (lowercase hex) of the canonical JSON of `value`. */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
