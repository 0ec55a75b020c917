// What a licence asks of whoever ships the code, from its SPDX expression (or the informal strings
// older npm packages carry): permissive, weak copyleft (changes to the library itself must be shared:
// LGPL, MPL, EPL, CDDL...), strong copyleft (the whole program that includes it: GPL, AGPL, SSPL...),
// proprietary ("UNLICENSED": npm's word for no permission granted), or unknown.

export type LicenseCategory = 'permissive' | 'weak-copyleft' | 'strong-copyleft' | 'proprietary' | 'unknown';

/** From the least to the most demanding; "unknown" last, since nothing can be promised about it. */
const RANK: Record<LicenseCategory, number> = { permissive: 0, 'weak-copyleft': 1, 'strong-copyleft': 2, proprietary: 3, unknown: 4 };

export function isCopyleft(category: LicenseCategory): boolean {
  return category === 'weak-copyleft' || category === 'strong-copyleft';
}

// Order matters: LGPL and AGPL are tested before GPL, since their ids contain "GPL".
const FAMILIES: ReadonlyArray<readonly [RegExp, LicenseCategory]> = [
  [/^(LGPL|LGPLLR)-/i, 'weak-copyleft'],
  [/^(AGPL|SSPL|OSL|RPL|QPL|EUPL|CECILL-2|CECILL-1|Sleepycat|CPAL|Parity)-?/i, 'strong-copyleft'],
  [/^GPL-/i, 'strong-copyleft'],
  [/^(MPL|EPL|CDDL|CPL|MS-RL|CECILL-C|APSL|IPL|SPL|ErlPL|OFL|CC-BY-SA|CC-BY-NC-SA|LPL|NPL|Artistic-1)-?/i, 'weak-copyleft'],
  [
    /^(MIT|MIT-0|X11|ISC|0BSD|BSD-|Apache-|Zlib|Unlicense|CC0-|CC-BY-\d|BlueOak-|Python-|PSF-|WTFPL|BSL-1\.0|Artistic-2\.0|curl|HPND|PostgreSQL|UPL-|NCSA|Unicode-|W3C|AFL-|Beerware|PHP-3|OpenSSL|ICU|Libpng|IJG|FTL|JSON$|MS-PL|NTP|bzip2|BSD$)/i,
    'permissive',
  ],
];

/** Exceptions that keep the GPL off the program that merely links or runs through the library. */
const LINKING_EXCEPTIONS = /^(Classpath-exception|GCC-exception|LLVM-exception|Autoconf-exception|Bison-exception|Font-exception|Libtool-exception|Linux-syscall-note)/i;

/** Informal strings seen in npm's `license` field, mapped to SPDX ids. */
const INFORMAL: Record<string, string> = {
  'apache 2.0': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache2': 'Apache-2.0',
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'isc license': 'ISC',
  'bsd': 'BSD',
  'new bsd': 'BSD-3-Clause',
  'simplified bsd': 'BSD-2-Clause',
  'public domain': 'Unlicense',
  'gplv2': 'GPL-2.0-only',
  'gplv3': 'GPL-3.0-only',
  'lgplv3': 'LGPL-3.0-only',
};

function leafCategory(id: string): LicenseCategory {
  if (/^UNLICENSED$/i.test(id)) return 'proprietary';
  if (/^(NOASSERTION|NONE|UNKNOWN)$/i.test(id)) return 'unknown';
  const bare = id.replace(/\+$/, '');
  for (const [pattern, category] of FAMILIES) if (pattern.test(bare)) return category;
  return 'unknown';
}

type Token = { type: 'open' } | { type: 'close' } | { type: 'op'; op: 'AND' | 'OR' | 'WITH' } | { type: 'id'; id: string };

function tokenize(expression: string): Token[] | null {
  const tokens: Token[] = [];
  for (const raw of expression.replace(/[()]/g, ' $& ').split(/\s+/)) {
    if (raw === '') continue;
    if (raw === '(') tokens.push({ type: 'open' });
    else if (raw === ')') tokens.push({ type: 'close' });
    else if (/^(AND|OR|WITH)$/i.test(raw)) tokens.push({ type: 'op', op: raw.toUpperCase() as 'AND' | 'OR' | 'WITH' });
    else if (/^[A-Za-z0-9.+:-]+$/.test(raw)) tokens.push({ type: 'id', id: raw });
    else return null;
  }
  return tokens;
}

/**
 * A small recursive-descent reader of SPDX license expressions (WITH binds tightest, then AND, then
 * OR) that folds the tree into one category: OR takes the least demanding alternative (the
 * recipient may choose), AND the most demanding.
 */
function categoryOfTokens(tokens: Token[]): LicenseCategory | null {
  let pos = 0;
  const combine = (a: LicenseCategory, b: LicenseCategory, op: 'AND' | 'OR') =>
    (op === 'AND' ? RANK[a] >= RANK[b] : RANK[a] <= RANK[b]) ? a : b;

  function primary(): LicenseCategory | null {
    const token = tokens[pos++];
    if (token === undefined) return null;
    if (token.type === 'open') {
      const inner = or();
      if (inner === null || tokens[pos++]?.type !== 'close') return null;
      return inner;
    }
    if (token.type !== 'id') return null;
    const next = tokens[pos];
    if (next?.type === 'op' && next.op === 'WITH') {
      const exception = tokens[pos + 1];
      if (exception?.type !== 'id') return null;
      pos += 2;
      const base = leafCategory(token.id);
      return base === 'strong-copyleft' && LINKING_EXCEPTIONS.test(exception.id) ? 'weak-copyleft' : base;
    }
    return leafCategory(token.id);
  }
  function sequence(op: 'AND' | 'OR', operand: () => LicenseCategory | null): () => LicenseCategory | null {
    return () => {
      let left = operand();
      while (left !== null) {
        const next = tokens[pos];
        if (next?.type !== 'op' || next.op !== op) break;
        pos++;
        const right = operand();
        if (right === null) return null;
        left = combine(left, right, op);
      }
      return left;
    };
  }
  const and = sequence('AND', primary);
  const or = sequence('OR', and);
  const result = or();
  return result !== null && pos === tokens.length ? result : null;
}

/** The SPDX form of an informal licence string, or the string itself (trimmed). */
export function normalizeLicense(license: string): string {
  const trimmed = license.trim();
  return INFORMAL[trimmed.toLowerCase()] ?? trimmed;
}

/** The category of a licence expression; null or an unreadable expression is "unknown". */
export function classifyLicense(license: string | null): LicenseCategory {
  if (license === null || license.trim() === '') return 'unknown';
  const tokens = tokenize(normalizeLicense(license));
  if (tokens === null || tokens.length === 0) return 'unknown';
  return categoryOfTokens(tokens) ?? 'unknown';
}
