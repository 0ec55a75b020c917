import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyLicense, isCopyleft } from '../../../../engine/sovereignty/licenses/classify';
import { sniffLicenseText, sniffPackageLicense } from '../../../../engine/sovereignty/licenses/sniff';

describe('classifyLicense', () => {
  it.each([
    ['MIT', 'permissive'],
    ['Apache-2.0', 'permissive'],
    ['BSD-3-Clause', 'permissive'],
    ['ISC', 'permissive'],
    ['0BSD', 'permissive'],
    ['Apache 2.0', 'permissive'],
    ['LGPL-3.0-or-later', 'weak-copyleft'],
    ['MPL-2.0', 'weak-copyleft'],
    ['EPL-2.0', 'weak-copyleft'],
    ['CDDL-1.0', 'weak-copyleft'],
    ['GPL-3.0-only', 'strong-copyleft'],
    ['GPL-2.0+', 'strong-copyleft'],
    ['AGPL-3.0-or-later', 'strong-copyleft'],
    ['UNLICENSED', 'proprietary'],
    ['SEE LICENSE IN LICENSE.md', 'unknown'],
    ['Frobnicate-1.0', 'unknown'],
  ])('%s is %s', (license, category) => {
    expect(classifyLicense(license)).toBe(category);
  });

  it('takes the least demanding choice of an OR and the most demanding part of an AND', () => {
    expect(classifyLicense('(MIT OR GPL-3.0-only)')).toBe('permissive');
    expect(classifyLicense('MIT AND GPL-2.0-only')).toBe('strong-copyleft');
    expect(classifyLicense('(MIT AND LGPL-2.1-only) OR GPL-3.0-only')).toBe('weak-copyleft');
    expect(classifyLicense('MIT and Zlib')).toBe('permissive');
  });

  it('lets a linking exception soften the GPL to weak copyleft', () => {
    expect(classifyLicense('GPL-2.0-only WITH Classpath-exception-2.0')).toBe('weak-copyleft');
    expect(classifyLicense('GPL-2.0-only WITH Some-other-exception')).toBe('strong-copyleft');
  });

  it('calls missing or malformed expressions unknown', () => {
    expect(classifyLicense(null)).toBe('unknown');
    expect(classifyLicense('')).toBe('unknown');
    expect(classifyLicense('(MIT OR')).toBe('unknown');
    expect(classifyLicense('MIT GPL-3.0')).toBe('unknown');
    expect(classifyLicense('<b>MIT</b>')).toBe('unknown');
  });

  it('flags both kinds of copyleft, and only them, as copyleft', () => {
    expect(isCopyleft('weak-copyleft')).toBe(true);
    expect(isCopyleft('strong-copyleft')).toBe(true);
    expect(isCopyleft('permissive')).toBe(false);
    expect(isCopyleft('unknown')).toBe(false);
  });
});

const MIT_TEXT = `MIT License

Copyright (c) 2020 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, ...

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED.`;

const ISC_TEXT = `ISC License

Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.`;

describe('licence text sniffing', () => {
  let dir = '';
  afterEach(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('names the common licences from their wrapped text', () => {
    expect(sniffLicenseText(MIT_TEXT)).toBe('MIT');
    expect(sniffLicenseText(ISC_TEXT)).toBe('ISC');
    expect(sniffLicenseText('GNU GENERAL PUBLIC LICENSE\n   Version 3, 29 June 2007')).toBe('GPL-3.0');
    expect(sniffLicenseText('GNU LESSER GENERAL PUBLIC LICENSE\n Version 2.1, February 1999')).toBe('LGPL-2.1');
    expect(sniffLicenseText('Apache License\n Version 2.0, January 2004')).toBe('Apache-2.0');
    expect(sniffLicenseText('All rights reserved. Do not copy.')).toBeNull();
  });

  it('finds LICENSE-like files in a package folder, or the one package.json points to', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aiprod-sniff-'));
    writeFileSync(path.join(dir, 'README.md'), MIT_TEXT);
    expect(await sniffPackageLicense(dir)).toBeNull();
    writeFileSync(path.join(dir, 'LICENCE.txt'), ISC_TEXT);
    expect(await sniffPackageLicense(dir)).toEqual({ license: 'ISC', file: 'LICENCE.txt' });
    expect(await sniffPackageLicense(dir, 'README.md')).toEqual({ license: 'MIT', file: 'README.md' });
    // A pointer outside the package is not followed.
    expect(await sniffPackageLicense(dir, '../../etc/passwd')).toBeNull();
  });
});
