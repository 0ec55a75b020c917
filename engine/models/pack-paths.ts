// Rules for a path inside a pack, wherever it comes from: an archive entry, a CHECKSUMS.sha256
// line, a manifest, or an ONNX external-data location. A path that breaks one never touches disk.

export type PathRule =
  | 'empty'
  | 'absolute path'
  | 'drive or UNC path'
  | 'backslash in path'
  | 'traversal ("..")'
  | 'control character'
  | 'leading "-" (reads as an option to a command)'
  | `shell metacharacter ${string}`;

export type PackPathCheck = { ok: true; path: string } | { ok: false; rule: PathRule };

/**
 * Characters a shell gives meaning to. Pack files are machine-named; a name holding one of these is
 * either a mistake or bait for a script that runs `sha256sum -c` or `cp` on the pack unquoted.
 * Spaces stay allowed: they are common in names and harmless once quoted.
 */
const SHELL_METACHARACTERS = /[`$;&|<>*?[\]{}()!"']/;

/**
 * Normalises a POSIX relative path ("./a//b" -> "a/b") or names the rule it breaks.
 * Backslashes are refused rather than guessed at: "a\\..\\b" means traversal on Windows.
 */
export function checkPackPath(raw: string): PackPathCheck {
  if (raw.length === 0) return { ok: false, rule: 'empty' };
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, rule: 'control character' };
  if (/^[a-zA-Z]:/.test(raw) || raw.startsWith('\\\\')) return { ok: false, rule: 'drive or UNC path' };
  if (raw.includes('\\')) return { ok: false, rule: 'backslash in path' };
  if (raw.startsWith('/')) return { ok: false, rule: 'absolute path' };
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) return { ok: false, rule: 'traversal ("..")' };
  if (segments.length === 0) return { ok: false, rule: 'empty' };
  if (segments.some((s) => s.startsWith('-'))) return { ok: false, rule: 'leading "-" (reads as an option to a command)' };
  const meta = SHELL_METACHARACTERS.exec(raw);
  if (meta) return { ok: false, rule: `shell metacharacter ${JSON.stringify(meta[0])}` };
  return { ok: true, path: segments.join('/') };
}

/** Key under which two names collide on a case-insensitive filesystem (Windows, macOS). */
export function collisionKey(packPath: string): string {
  return packPath.normalize('NFC').toLowerCase();
}
