import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HandlerContext, SaveFileOptions } from '../../../../electron/handlers/context';
import { dispatch } from '../../../../electron/handlers/dispatch';
import { createReportService, setReportService } from '../../../../electron/handlers/report';
import type { NetworkGuardStats } from '../../../../engine/net';
import { assembleReport, hasValidContentHash } from '../../../../engine/sovereignty/build-report';
import type { BuildReportOptions } from '../../../../engine/sovereignty/build-report';
import { serializeReport } from '../../../../engine/sovereignty/export';
import { networkFacts } from '../../../../engine/sovereignty/network-facts';
import type { SovereigntyReport } from '../../../../engine/sovereignty/report-schema';
import { goodFacts, model } from '../../engine/sovereignty/fixtures';
import { stubServices } from '../stub-services';

// The report domain through the shells' one dispatch (payload checked, handler run, result checked
// against the contract), with a report made from fixed facts so each test can tell what it got.

const XSS = '<img src=x onerror=alert(1)>';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'aiprod-report-handlers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const STATS: NetworkGuardStats = {
  installed: true,
  label: 'host',
  attempts: 2,
  blocked: 2,
  byOrigin: [{ origin: 'tests/probe.ts:1:1', api: 'net.connect', target: '10.255.255.1:80', count: 2, lastAt: '2026-11-23T12:00:00.000Z' }],
  unlistedAttempts: 0,
  since: '2026-11-23T11:00:00.000Z',
};

interface Harness {
  ctx: HandlerContext;
  builds: BuildReportOptions[];
}

/** A shell whose reports come from the fixture facts, one second apart, with the renders it was given. */
function harness(dialogs?: HandlerContext['dialogs']): Harness {
  const builds: BuildReportOptions[] = [];
  const ctx: HandlerContext = { services: stubServices(), shell: { shell: 'host', shellVersion: '0.1.0' }, emit: () => undefined, ...(dialogs === undefined ? {} : { dialogs }) };
  setReportService(
    ctx,
    createReportService({
      build: async (options) => {
        builds.push(options);
        const facts = { ...goodFacts(), models: [model({ name: XSS, license: { spdx: 'MIT', owner: '<script>alert(2)</script>' } })], network: networkFacts(STATS, options.renders) };
        return assembleReport(facts, new Date(Date.UTC(2026, 10, 23, 12, 0, builds.length)));
      },
      guardStats: () => STATS,
    }),
  );
  return { ctx, builds };
}

async function value<T>(result: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const answer = await result;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.value as T;
}

describe('report.get', () => {
  it('answers the report through the contract with its content hash intact', async () => {
    const { ctx, builds } = harness();
    const report = await value<SovereigntyReport>(dispatch('report.get', undefined, ctx));
    expect(hasValidContentHash(report)).toBe(true);
    expect(report.models[0]?.name).toBe(XSS);
    expect(report.network).toMatchObject({ attempts: 2, blocked: 2, renders: null });
    expect(builds).toEqual([{ verify: false }]);
  });

  it('counts the render records of the open project, and none when it has not rendered yet', async () => {
    const { ctx, builds } = harness();
    const project = path.join(scratch, 'film');
    mkdirSync(project);
    const empty = await value<SovereigntyReport>(dispatch('report.get', { projectFolder: project, verify: true }, ctx));
    expect(empty.network.renders).toMatchObject({ records: 0, attempts: 0 });
    expect(builds[0]?.verify).toBe(true);

    mkdirSync(path.join(project, 'renders', 'shot-1'), { recursive: true });
    writeFileSync(
      path.join(project, 'renders', 'shot-1', 'job-1.json'),
      JSON.stringify({ format: 'aiprod-render-record/1', createdAt: '2026-11-23T10:00:00.000Z', model: { id: 'tiny-test' }, networkGuard: { installed: true, attempts: 1, blocked: 1 } }),
    );
    const counted = await value<SovereigntyReport>(dispatch('report.get', { projectFolder: project }, ctx));
    expect(counted.network.renders).toMatchObject({ records: 1, attempts: 1, blocked: 1, items: [{ record: 'shot-1/job-1.json', model: 'tiny-test' }] });
    const direct = await value<SovereigntyReport>(dispatch('report.get', { rendersDir: path.join(project, 'renders') }, ctx));
    expect(direct.network.renders?.records).toBe(1);
  });

  it('names what is wrong with a bad request, and makes no report for it', async () => {
    const { ctx, builds } = harness();
    const missing = path.join(scratch, 'nowhere');
    expect(await dispatch('report.get', { rendersDir: missing }, ctx)).toMatchObject({ ok: false, error: { code: 'REPORT_RENDERS_NOT_FOUND', message: expect.stringContaining(missing) } });
    expect(await dispatch('report.get', { projectFolder: missing }, ctx)).toMatchObject({ ok: false, error: { code: 'REPORT_PROJECT_NOT_FOUND', message: expect.stringContaining(missing) } });
    expect(await dispatch('report.get', { projectFolder: scratch, rendersDir: scratch }, ctx)).toMatchObject({ ok: false, error: { code: 'REPORT_BAD_OPTIONS' } });
    expect(await dispatch('report.get', { rendersDir: 'renders' }, ctx)).toMatchObject({ ok: false, error: { code: 'BAD_PAYLOAD', message: 'Bad payload for report.get: rendersDir: the path must be absolute' } });
    expect(builds).toEqual([]);
  });
});

describe('report.export', () => {
  it('answers the content in the headless host (no path, no dialog): the report on screen, escaped', async () => {
    const { ctx, builds } = harness();
    const shown = await value<SovereigntyReport>(dispatch('report.get', undefined, ctx));
    const html = await value<{ kind: string; content: string; fileName: string; mimeType: string; contentHash: string; asShown: boolean; bytes: number }>(
      dispatch('report.export', { format: 'html', contentHash: shown.contentHash }, ctx),
    );
    expect(html).toMatchObject({ kind: 'content', mimeType: 'text/html; charset=utf-8', contentHash: shown.contentHash, asShown: true, fileName: 'aiprod-sovereignty-report-2026-11-23T12-00-01Z.html' });
    expect(html.content).toBe(serializeReport(shown, 'html'));
    expect(html.bytes).toBe(Buffer.byteLength(html.content));
    expect(html.content).not.toContain(XSS);
    expect(html.content).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.content).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');

    const json = await value<{ content: string }>(dispatch('report.export', { format: 'json', contentHash: shown.contentHash }, ctx));
    expect(JSON.parse(json.content)).toEqual(shown);
    expect(builds).toHaveLength(1);
  });

  it('issues a new report when the one asked for is no longer held, and says so', async () => {
    const { ctx, builds } = harness();
    const shown = await value<SovereigntyReport>(dispatch('report.get', { verify: true }, ctx));
    const other = 'f'.repeat(64);
    const answer = await value<{ contentHash: string; asShown: boolean }>(dispatch('report.export', { format: 'json', contentHash: other }, ctx));
    expect(answer.asShown).toBe(false);
    expect(answer.contentHash).not.toBe(shown.contentHash);
    // Made the way the last report was asked for.
    expect(builds).toEqual([{ verify: true }, { verify: true }]);
  });

  it('writes the file at the path given, whole, and refuses a folder that does not exist', async () => {
    const { ctx } = harness();
    const shown = await value<SovereigntyReport>(dispatch('report.get', undefined, ctx));
    const file = path.join(scratch, 'report.json');
    const written = await value<{ kind: string; path: string; bytes: number }>(dispatch('report.export', { format: 'json', path: file, contentHash: shown.contentHash }, ctx));
    expect(written).toMatchObject({ kind: 'file', path: file });
    expect(readFileSync(file, 'utf8')).toBe(serializeReport(shown, 'json'));
    expect(written.bytes).toBe(readFileSync(file).length);

    const nowhere = path.join(scratch, 'no-such-folder', 'report.html');
    expect(await dispatch('report.export', { format: 'html', path: nowhere }, ctx)).toMatchObject({ ok: false, error: { code: 'REPORT_OUT_DIR_MISSING' } });
    expect(existsSync(path.dirname(nowhere))).toBe(false);
  });

  it('asks where to save in the desktop shell, and writes nothing when the user cancels', async () => {
    const asked: SaveFileOptions[] = [];
    let answer: string | null = path.join(scratch, 'chosen.html');
    const { ctx } = harness({ pickFolder: async () => null, saveFile: async (options) => (asked.push(options), answer) });
    const shown = await value<SovereigntyReport>(dispatch('report.get', undefined, ctx));
    const saved = await value<{ kind: string; path: string }>(dispatch('report.export', { format: 'html', contentHash: shown.contentHash }, ctx));
    expect(saved).toMatchObject({ kind: 'file', path: answer });
    expect(readFileSync(answer, 'utf8')).toBe(serializeReport(shown, 'html'));
    expect(asked[0]).toMatchObject({ defaultName: 'aiprod-sovereignty-report-2026-11-23T12-00-01Z.html', filters: [{ extensions: ['html'] }] });

    answer = null;
    const before = readdirSync(scratch).sort();
    expect(await value(dispatch('report.export', { format: 'json', contentHash: shown.contentHash }, ctx))).toEqual({ kind: 'cancelled' });
    expect(asked[1]?.defaultName).toMatch(/\.json$/);
    expect(readdirSync(scratch).sort()).toEqual(before);
  });
});

describe('report.networkStats', () => {
  it('answers the guard counts of the serving process', async () => {
    const { ctx } = harness();
    expect(await value(dispatch('report.networkStats', undefined, ctx))).toEqual(STATS);
  });
});
