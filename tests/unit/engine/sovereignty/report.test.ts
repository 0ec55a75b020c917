import { describe, expect, it } from 'vitest';
import { assembleReport, hasValidContentHash, reportContentHash } from '../../../../engine/sovereignty/build-report';
import { canonicalSha256 } from '../../../../engine/sovereignty/canonical-json';
import { REPORT_SECTIONS, SovereigntyReportSchema, type SovereigntyReport } from '../../../../engine/sovereignty/report-schema';
import { goodFacts, model } from './fixtures';

const ISSUED = new Date('2026-11-23T12:00:00.000Z');

/** The same object with its keys in reverse order at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)]));
  return value;
}

describe('assembled report', () => {
  it('matches its schema and carries every section and every key DESIGN.md names', () => {
    const report = assembleReport(goodFacts(), ISSUED);
    expect(() => SovereigntyReportSchema.parse(report)).not.toThrow();
    for (const section of REPORT_SECTIONS) expect(report).toHaveProperty(section.key);
    expect(report.issuedAt).toBe('2026-11-23T12:00:00.000Z');
    expect(typeof report.network.attempts).toBe('number');
    expect(typeof report.network.blocked).toBe('number');
    expect(report.dependencies.every((d) => 'name' in d && 'version' in d && 'license' in d)).toBe(true);
    expect(report.dependencySummary).toMatchObject({ installed: 2, absent: 0, missing: 0, flagged: [] });
  });

  it('has a content hash that is the same for the same facts and survives a JSON round trip in any key order', () => {
    const a = assembleReport(goodFacts(), ISSUED);
    const b = assembleReport(goodFacts(), ISSUED);
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.contentHash).toBe(a.contentHash);
    const { contentHash: _hash, ...body } = a;
    expect(a.contentHash).toBe(canonicalSha256(body));
    const reread = reversedKeys(JSON.parse(JSON.stringify(a))) as SovereigntyReport;
    expect(hasValidContentHash(reread)).toBe(true);
  });

  it('changes its hash when any field changes, and an edited report no longer matches its hash', () => {
    const original = assembleReport(goodFacts(), ISSUED);
    const renamed = goodFacts();
    renamed.models = [model({ name: 'AIPROD Nano 2' })];
    expect(assembleReport(renamed, ISSUED).contentHash).not.toBe(original.contentHash);
    expect(assembleReport(goodFacts(), new Date(ISSUED.getTime() + 1)).contentHash).not.toBe(original.contentHash);

    const tampered = structuredClone(original);
    tampered.network.attempts = 0;
    tampered.dependencies[0]!.license = 'GPL-3.0-only';
    expect(hasValidContentHash(tampered)).toBe(false);
    expect(reportContentHash(tampered)).not.toBe(original.contentHash);
  });
});
