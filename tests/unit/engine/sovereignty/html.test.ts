import { describe, expect, it } from 'vitest';
import { assembleReport } from '../../../../engine/sovereignty/build-report';
import { escapeHtml, renderReportHtml } from '../../../../engine/sovereignty/html';
import { REPORT_SECTIONS } from '../../../../engine/sovereignty/report-schema';
import { dependency, goodFacts, model } from './fixtures';

const EVIL_NAME = '<script>alert("pwned")</script>';
const EVIL_OWNER = `O'Brien & <b>Co</b>`;
const EVIL_LICENSE = '<img src=https://evil.example/x.png onerror=alert(1)>';

function evilReportHtml(): string {
  const facts = goodFacts();
  facts.models = [model({ name: EVIL_NAME, license: { spdx: 'Apache-2.0', owner: EVIL_OWNER } })];
  facts.dependencies.push(dependency({ name: 'evil', license: EVIL_LICENSE, category: 'unknown', flagged: true }));
  facts.network.byOrigin = [{ origin: '"><link rel=stylesheet href=http://evil.example/a.css>', api: 'fetch', target: 'http://evil.example/', count: 1, lastAt: '2026-01-01T00:00:00.000Z' }];
  facts.network.attempts = 1;
  facts.network.blocked = 1;
  facts.notes = ['<iframe src="https://evil.example"></iframe>'];
  return renderReportHtml(assembleReport(facts, new Date('2026-11-23T12:00:00.000Z')));
}

describe('HTML export', () => {
  it('escapes every string taken from packs, packages and the network log', () => {
    const html = evilReportHtml();
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<iframe');
    expect(html).not.toContain('<link');
    expect(html).not.toContain('<b>Co</b>');
    expect(html).toContain(escapeHtml(EVIL_NAME));
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;');
  });

  it('loads nothing: no external src or href, no script, and a CSP that forbids loading', () => {
    const html = evilReportHtml();
    // Real tags only: an escaped string holds no "<", so whatever it says stays text.
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    expect(tags.length).toBeGreaterThan(50);
    expect(tags.filter((t) => /\ssrc\s*=/i.test(t))).toEqual([]);
    expect(tags.filter((t) => /https?:/i.test(t))).toEqual([]);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((h) => h?.startsWith('#'))).toBe(true);
  });

  it('has one section per report section, with the scores and the content hash', () => {
    const facts = goodFacts();
    const report = assembleReport(facts, new Date('2026-11-23T12:00:00.000Z'));
    const html = renderReportHtml(report);
    for (const section of REPORT_SECTIONS) expect(html).toContain(`<section id="${section.key}">`);
    expect(html).toContain(report.contentHash);
    for (const criterion of report.score.criteria) expect(html).toContain(escapeHtml(criterion.justification));
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });
});
