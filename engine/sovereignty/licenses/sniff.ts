import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

// When a package.json states no licence, its LICENSE (or COPYING) file usually does: the opening
// lines of the common licences are distinctive enough to name them. Anything else stays unknown
// rather than guessed.

/** File names that hold a licence text, compared case-insensitively. */
const LICENSE_FILE = /^(licen[cs]e|copying|unlicense)([.-].*)?$/i;

/** A phrase matched across line breaks and runs of spaces, as licence files wrap their lines anywhere. */
function phrase(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(escaped.replace(/ /g, '\\s+'), 'i');
}

/** Most specific first: the LGPL text mentions the GPL, the ISC text contains the 0BSD grant. */
const SIGNATURES: ReadonlyArray<readonly [string, RegExp[]]> = [
  ['AGPL-3.0', [phrase('GNU AFFERO GENERAL PUBLIC LICENSE')]],
  ['LGPL-3.0', [phrase('GNU LESSER GENERAL PUBLIC LICENSE'), phrase('Version 3')]],
  ['LGPL-2.1', [phrase('GNU LESSER GENERAL PUBLIC LICENSE'), phrase('Version 2.1')]],
  ['LGPL-2.0', [phrase('GNU LIBRARY GENERAL PUBLIC LICENSE')]],
  ['GPL-3.0', [phrase('GNU GENERAL PUBLIC LICENSE'), phrase('Version 3')]],
  ['GPL-2.0', [phrase('GNU GENERAL PUBLIC LICENSE'), phrase('Version 2')]],
  ['MPL-2.0', [phrase('Mozilla Public License Version 2.0')]],
  ['EPL-2.0', [phrase('Eclipse Public License - v 2.0')]],
  ['EPL-1.0', [phrase('Eclipse Public License - v 1.0')]],
  ['Apache-2.0', [phrase('Apache License'), phrase('Version 2.0')]],
  ['MIT', [phrase('Permission is hereby granted, free of charge'), phrase('WITHOUT WARRANTY OF ANY KIND')]],
  ['ISC', [phrase('Permission to use, copy, modify, and/or distribute this software for any purpose'), phrase('provided that the above copyright notice')]],
  ['0BSD', [phrase('Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted')]],
  ['BSD-3-Clause', [phrase('Redistribution and use in source and binary forms'), /(Neither\s+the\s+name|names\s+of\s+its\s+contributors)/i]],
  ['BSD-2-Clause', [phrase('Redistribution and use in source and binary forms')]],
  ['Unlicense', [phrase('This is free and unencumbered software released into the public domain')]],
  ['CC0-1.0', [phrase('CC0 1.0 Universal')]],
  ['BlueOak-1.0.0', [phrase('Blue Oak Model License')]],
];

/** The SPDX id whose signature the text carries, or null. */
export function sniffLicenseText(text: string): string | null {
  for (const [id, patterns] of SIGNATURES) if (patterns.every((p) => p.test(text))) return id;
  return null;
}

export interface SniffedLicense {
  license: string;
  /** The file it was read from, relative to the package folder. */
  file: string;
}

/** Reads at most this much of each file: signatures sit in the opening paragraphs. */
const READ_LIMIT = 64 * 1024;

async function readHead(file: string): Promise<string | null> {
  try {
    const text = await readFile(file, 'utf8');
    return text.slice(0, READ_LIMIT);
  } catch {
    return null;
  }
}

/**
 * The licence named by `file` (package.json's "SEE LICENSE IN <file>"), or else by the first
 * licence file of the package folder whose text is recognised.
 */
export async function sniffPackageLicense(packageDir: string, namedFile?: string): Promise<SniffedLicense | null> {
  let candidates: string[];
  if (namedFile !== undefined) {
    const resolved = path.resolve(packageDir, namedFile);
    // A package may only point inside itself.
    if (path.relative(packageDir, resolved).startsWith('..')) return null;
    candidates = [path.relative(packageDir, resolved)];
  } else {
    try {
      candidates = (await readdir(packageDir)).filter((name) => LICENSE_FILE.test(name)).sort();
    } catch {
      return null;
    }
  }
  for (const name of candidates) {
    const text = await readHead(path.join(packageDir, name));
    const license = text === null ? null : sniffLicenseText(text);
    if (license !== null) return { license, file: name.split(path.sep).join('/') };
  }
  return null;
}
