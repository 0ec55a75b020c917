import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { REPORT_SECTIONS } from '../../../../../electron/common/channels/report';
import { ReportView, type ReportViewProps } from '../../../../../renderer/src/features/report/ReportView';
import { assembleReport } from '../../../../../engine/sovereignty/build-report';
import { networkFacts } from '../../../../../engine/sovereignty/network-facts';
import { dependency, goodFacts, model } from '../../../engine/sovereignty/fixtures';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert("owner")</script>';

function report() {
  const facts = goodFacts();
  return assembleReport(
    {
      ...facts,
      models: [model({ name: IMG, license: { spdx: SCRIPT, owner: IMG } }), model({ id: 'plain', name: 'Plain pack' })],
      dependencies: [...facts.dependencies, dependency({ name: 'gpl-thing', license: 'GPL-3.0-only', category: 'strong-copyleft', copyleft: true, flagged: true })],
      network: networkFacts({
        installed: true,
        label: 'host',
        attempts: 1,
        blocked: 1,
        byOrigin: [{ origin: 'probe.mjs:3:5', api: 'net.connect', target: '10.255.255.1:80', count: 1, lastAt: '2026-11-23T12:00:00.000Z' }],
        unlistedAttempts: 0,
        since: '2026-11-23T11:00:00.000Z',
      }),
    },
    new Date('2026-11-23T12:00:00.000Z'),
  );
}

/** Text as React writes it into markup. */
function asText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** The markup of one section, by its key. */
function section(out: string, key: string): string {
  const start = out.indexOf(`id="report-section-${key}"`);
  const end = out.indexOf('</section>', start);
  return out.slice(start, end);
}

function render(overrides: Partial<ReportViewProps> = {}): string {
  const props: ReportViewProps = {
    report: report(),
    live: null,
    query: '',
    modelFilter: 'all',
    dependencyFilter: 'all',
    onQuery: () => undefined,
    onModelFilter: () => undefined,
    onDependencyFilter: () => undefined,
    onJump: () => undefined,
    ...overrides,
  };
  return renderToStaticMarkup(createElement(ReportView, props));
}

describe('ReportView', () => {
  it('shows the sections in REPORT_SECTIONS order, each a region named by its title', () => {
    const out = render();
    const titles = [...out.matchAll(/<section[^>]*class="panel report-section"[^>]*><h2 id="[^"]+">([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(titles).toEqual(REPORT_SECTIONS.map((s) => s.title));
  });

  it('carries the seal: overall score, verdict, issue date and content hash', () => {
    const r = report();
    const out = render({ report: r });
    expect(out).toContain(`<time dateTime="${r.issuedAt}">${r.issuedAt}</time>`);
    expect(out).toContain(`<code>${r.contentHash}</code>`);
    expect(out).toContain(`${r.score.overall}/10`);
    for (const c of r.score.criteria) expect(out).toContain(asText(c.justification));
    // The network criterion lost points for the blocked attempt, and says why.
    expect(r.score.criteria.find((c) => c.id === 'network')?.justification).toMatch(/^\d and not 10 because /);
  });

  it('writes pack metadata as text: no element is made from it', () => {
    const out = render();
    expect(out).not.toContain(IMG);
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('&lt;script&gt;alert(&quot;owner&quot;)&lt;/script&gt;');
    expect(out.match(/<img\b/g)).toBeNull();
  });

  it('applies the search and the filters', () => {
    const searched = section(render({ query: 'plain' }), 'models');
    expect(searched).toContain('Plain pack');
    expect(searched).not.toContain('&lt;img src=x');
    expect(section(render({ query: 'apache' }), 'models')).not.toContain('&lt;img src=x');
    expect(section(render({ query: 'script' }), 'models')).toContain('&lt;img src=x');
    expect(searched).toContain('Showing 1 of 2 model packs');
    const copyleft = section(render({ dependencyFilter: 'copyleft' }), 'dependencies');
    expect(copyleft).toContain('gpl-thing');
    expect(copyleft).toContain('Showing 1 of 3 packages');
    expect(copyleft).not.toMatch(/<td>zod<\/td>/);
  });

  it('lists where blocked attempts came from, and the live counts beside the issued ones', () => {
    const out = render({ live: { installed: true, label: 'host', attempts: 3, blocked: 3, byOrigin: [], unlistedAttempts: 0, since: null } });
    expect(out).toContain('10.255.255.1:80');
    expect(out).toContain('<code>probe.mjs:3:5</code>');
    expect(out).toMatch(/<dt>Attempts now<\/dt><dd>3<\/dd>/);
    expect(out).toMatch(/<dt>Attempts to reach a non-loopback address<\/dt><dd>1<\/dd>/);
  });
});
