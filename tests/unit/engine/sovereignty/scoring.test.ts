import { describe, expect, it } from 'vitest';
import type { ReportFacts } from '../../../../engine/sovereignty/build-report';
import { scoreReport, type Criterion, type CriterionId } from '../../../../engine/sovereignty/scoring';
import { dependency, goodFacts, model } from './fixtures';

function scoreOf(facts: ReportFacts, id: CriterionId): Criterion {
  const score = scoreReport({ productOwner: facts.product.owner, ...facts });
  const found = score.criteria.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no criterion ${id}`);
  return found;
}

function withChange(change: (facts: ReportFacts) => void): ReportFacts {
  const facts = goodFacts();
  change(facts);
  return facts;
}

describe('scores follow the facts', () => {
  it('gives a well-behaved installation full marks except the stated reproducibility limit', () => {
    const score = scoreReport({ productOwner: 'AIPROD Studio', ...goodFacts() });
    expect(score.criteria.map((c) => [c.id, c.score])).toEqual([
      ['models', 10],
      ['licences', 10],
      ['network', 10],
      ['reproducibility', 9],
      ['packaging', 10],
    ]);
    expect(score.overall).toBe(9.8);
    expect(score.verdict).toBe('sovereign');
    expect(score.criteria[0]?.justification).toMatch(/^10\/10: /);
    expect(score.criteria[3]?.justification).toMatch(/^9 and not 10 because identical frames are promised only on the same execution provider/);
  });

  it('models: a pack pending training, a modified file, a third-party owner and no pack at all each cost points', () => {
    const pending = scoreOf(withChange((f) => (f.models = [model(), model({ id: 'next', renderable: false, provenance: { ...model().provenance, status: 'pending_training' } })])), 'models');
    expect(pending.score).toBe(8);
    expect(pending.justification).toContain('next 1.0.0 is still pending training');

    const modified = scoreOf(withChange((f) => (f.models = [model({ checksums: { state: 'modified', files: 5, lastVerifiedAt: null, problem: 'file "denoiser.onnx" was modified' } })])), 'models');
    expect(modified.score).toBe(6);
    expect(modified.justification).toContain('denoiser.onnx');

    const thirdParty = scoreOf(withChange((f) => (f.models = [model({ license: { spdx: 'Apache-2.0', owner: 'Google' } })])), 'models');
    expect(thirdParty.score).toBe(9);
    expect(thirdParty.justification).toBe('9 and not 10 because nano belongs to Google, not to AIPROD Studio.');

    const none = scoreOf(withChange((f) => (f.models = [])), 'models');
    expect(none.score).toBe(0);
  });

  it('licences: each copyleft package lowers the score, strong copyleft more than weak', () => {
    const weak = scoreOf(withChange((f) => f.dependencies.push(dependency({ name: 'libvips', license: 'LGPL-3.0-or-later', category: 'weak-copyleft', copyleft: true, flagged: true }))), 'licences');
    const strong = scoreOf(withChange((f) => f.dependencies.push(dependency({ name: 'gpl-thing', license: 'GPL-3.0-only', category: 'strong-copyleft', copyleft: true, flagged: true }))), 'licences');
    expect(weak.score).toBe(9);
    expect(strong.score).toBe(7);
    expect(strong.justification).toContain('gpl-thing 4.0.0 (GPL-3.0-only)');
    // Absent optional packages ship nothing and cost nothing.
    const absent = scoreOf(withChange((f) => f.dependencies.push(dependency({ name: 'other-os', version: null, license: null, category: 'unknown', status: 'absent', kind: 'optional' }))), 'licences');
    expect(absent.score).toBe(10);
  });

  it('network: blocked attempts cost points, an unblocked one costs all, and a missing guard is no proof', () => {
    const row = { origin: 'engine/x.ts:1:1', api: 'net.connect' as const, target: '10.0.0.1:80', count: 1, lastAt: '2026-01-01T00:00:00.000Z' };
    const blocked = scoreOf(withChange((f) => Object.assign(f.network, { attempts: 1, blocked: 1, byOrigin: [row] })), 'network');
    expect(blocked.score).toBe(8);
    expect(blocked.justification).toContain('engine/x.ts:1:1');
    const many = scoreOf(withChange((f) => Object.assign(f.network, { attempts: 150, blocked: 150, byOrigin: [{ ...row, count: 150 }] })), 'network');
    expect(many.score).toBe(6);
    const leaked = scoreOf(withChange((f) => Object.assign(f.network, { attempts: 2, blocked: 1 })), 'network');
    expect(leaked.score).toBe(0);
    const unguarded = scoreOf(withChange((f) => (f.network.guard.installed = false)), 'network');
    expect(unguarded.score).toBe(6);
  });

  it('network: render records count too', () => {
    const renders = (items: { installed: boolean; attempts: number; blocked: number }[]) => ({
      records: items.length,
      attempts: items.reduce((s, i) => s + i.attempts, 0),
      blocked: items.reduce((s, i) => s + i.blocked, 0),
      withoutGuard: items.filter((i) => !i.installed).length,
      items: items.map((i, n) => ({ record: `r${n}.json`, createdAt: null, model: null, ...i })),
      unreadable: [],
    });
    expect(scoreOf(withChange((f) => (f.network.renders = renders([{ installed: true, attempts: 0, blocked: 0 }]))), 'network').score).toBe(10);
    expect(scoreOf(withChange((f) => (f.network.renders = renders([{ installed: false, attempts: 0, blocked: 0 }]))), 'network').score).toBe(9);
    expect(scoreOf(withChange((f) => (f.network.renders = renders([{ installed: true, attempts: 3, blocked: 3 }]))), 'network').score).toBe(9);
    expect(scoreOf(withChange((f) => (f.network.renders = renders([{ installed: true, attempts: 3, blocked: 2 }]))), 'network').score).toBe(0);
  });

  it('reproducibility: no lockfile, loose pins or a non-repeating generator cost points', () => {
    expect(scoreOf(withChange((f) => (f.reproducibility.lockfile.present = false)), 'reproducibility').score).toBe(7);
    const loose = scoreOf(withChange((f) => (f.reproducibility.pinning = { total: 10, exact: 9, ranges: ['zod@^4.0.0'] })), 'reproducibility');
    expect(loose.score).toBe(8);
    expect(loose.justification).toContain('zod@^4.0.0');
    expect(scoreOf(withChange((f) => (f.reproducibility.seededNoise.identicalOnRepeat = false)), 'reproducibility').score).toBe(0);
  });

  it('packaging: a fuse left at its default, an update channel, or no configuration at all', () => {
    const fuse = scoreOf(
      withChange((f) => {
        const entry = f.packaging.fuses.entries[0]!;
        Object.assign(entry, { configured: null, ok: false });
      }),
      'packaging',
    );
    expect(fuse.score).toBe(9);
    expect(fuse.justification).toContain('RunAsNode should be false');
    const updating = scoreOf(withChange((f) => Object.assign(f.packaging.offline[1]!, { ok: false, detail: 'electron-builder.yml publishes to github' })), 'packaging');
    expect(updating.score).toBe(8);
    const nothing = withChange((f) => {
      f.packaging.electronBuilder.present = false;
      f.packaging.fuses.present = false;
      for (const flag of f.packaging.offline) flag.ok = null;
    });
    expect(scoreOf(nothing, 'packaging').score).toBeNull();
    // A criterion that cannot be scored is left out of the overall mean.
    expect(scoreReport({ productOwner: 'AIPROD Studio', ...nothing }).overall).toBe(9.8);
  });

  it('any criterion at 3 or below makes the verdict "not sovereign", whatever the mean', () => {
    const facts = withChange((f) => Object.assign(f.network, { attempts: 1, blocked: 0 }));
    const score = scoreReport({ productOwner: 'AIPROD Studio', ...facts });
    expect(score.overall).toBe(7.8);
    expect(score.verdict).toBe('not-sovereign');
  });
});
