import { inputError } from '../errors';
import { checkPackPath } from './pack-paths';

// CHECKSUMS.sha256 in `sha256sum` format ("<hex>  <name>" or "<hex> *<name>"), so that
// `sha256sum -c CHECKSUMS.sha256` works in the pack folder.

export const CHECKSUMS_FILE = 'CHECKSUMS.sha256';

export interface ChecksumEntry {
  path: string;
  sha256: string;
}

/** Parses the file's text; `label` names it in errors. Refuses duplicates and unsafe names. */
export function parseChecksums(text: string, label: string = CHECKSUMS_FILE): ChecksumEntry[] {
  const entries: ChecksumEntry[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const where = `${label} line ${index + 1}`;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!match) throw inputError('PACK_CHECKSUMS_INVALID', `${where} is not "<sha256>  <file>": ${JSON.stringify(line.slice(0, 120))}`, { file: label, line: index + 1 });
    const [, hex, name] = match as unknown as [string, string, string];
    const checked = checkPackPath(name);
    if (!checked.ok) throw inputError('PACK_CHECKSUMS_INVALID', `${where} names "${name}", refused: ${checked.rule}`, { file: label, line: index + 1, rule: checked.rule });
    if (seen.has(checked.path)) throw inputError('PACK_CHECKSUMS_INVALID', `${where} lists "${checked.path}" a second time`, { file: label, line: index + 1 });
    seen.add(checked.path);
    entries.push({ path: checked.path, sha256: hex.toLowerCase() });
  });
  return entries;
}

export function formatChecksums(entries: readonly ChecksumEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}
