import { afterAll, describe, expect, it } from 'vitest';
import { createReportService, setReportService } from '../../../../../electron/handlers/report';
import type { NetworkGuardStats } from '../../../../../engine/net';
import { assembleReport } from '../../../../../engine/sovereignty/build-report';
import { createReportStore, type ExportedContent } from '../../../../../renderer/src/features/report/report-store';
import { goodFacts } from '../../../engine/sovereignty/fixtures';
import { inProcessShell } from '../../in-process-shell';

// The viewer's store against the real handlers and dispatch (in this process, as the host serves
// them), with reports made from fixed facts.

const shell = inProcessShell();
let issued = 0;
let stats: NetworkGuardStats = { installed: true, label: 'host', attempts: 0, blocked: 0, byOrigin: [], unlistedAttempts: 0, since: '2026-11-23T11:00:00.000Z' };
setReportService(
  shell.ctx,
  createReportService({ build: async () => assembleReport(goodFacts(), new Date(Date.UTC(2026, 10, 23, 12, 0, ++issued))), guardStats: () => stats }),
);
afterAll(() => shell.close());

describe('the report store', () => {
  it('goes idle -> loading -> ready with the report', async () => {
    const store = createReportStore(shell.connect());
    expect(store.getState().status).toBe('idle');
    const loading = store.getState().load();
    expect(store.getState().status).toBe('loading');
    await loading;
    expect(store.getState()).toMatchObject({ status: 'ready', error: null });
    expect(store.getState().report?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the error code of a refused request', async () => {
    const store = createReportStore(shell.connect());
    await store.getState().load({ projectFolder: '/no/such/project/anywhere' });
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'REPORT_PROJECT_NOT_FOUND' } });
  });

  it('exports the report on screen and hands the content over once when the shell answers it', async () => {
    const store = createReportStore(shell.connect());
    await store.getState().load();
    const delivered: ExportedContent[] = [];
    await store.getState().exportAs('json', (content) => delivered.push(content));
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!.content)).toEqual(store.getState().report);
    expect(store.getState().exported?.message).toMatch(/^Downloaded aiprod-sovereignty-report-.*\.json \([\d,]+ bytes\)\.$/);
    expect(store.getState().exporting).toBeNull();
  });

  it('follows the live counts', async () => {
    const store = createReportStore(shell.connect());
    await store.getState().loadStats();
    expect(store.getState().stats?.attempts).toBe(0);
    const stop = store.getState().follow();
    stats = { ...stats, attempts: 1, blocked: 1 };
    shell.ctx.emit('report.network', stats);
    expect(store.getState().stats).toMatchObject({ attempts: 1, blocked: 1 });
    stop();
    shell.ctx.emit('report.network', { ...stats, attempts: 2, blocked: 2 });
    expect(store.getState().stats?.attempts).toBe(1);
  });
});
