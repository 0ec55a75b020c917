import { describe, expect, it } from 'vitest';
import { assembleReport } from '../../../../engine/sovereignty/build-report';
import { REPORT_MIME_TYPES, reportFileName } from '../../../../engine/sovereignty/export-name';
import { goodFacts } from './fixtures';

describe('exported report names', () => {
  it('name the file by the moment the report was issued, without characters Windows refuses', () => {
    const report = assembleReport(goodFacts(), new Date('2026-11-23T12:34:56.789Z'));
    expect(reportFileName(report, 'html')).toBe('aiprod-sovereignty-report-2026-11-23T12-34-56Z.html');
    expect(reportFileName(report, 'json')).toBe('aiprod-sovereignty-report-2026-11-23T12-34-56Z.json');
    expect(reportFileName(report, 'html')).not.toMatch(/[<>:"/\\|?*]/);
  });

  it('sort in time order', () => {
    const names = ['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z', '2027-01-01T00:00:00.000Z'].map((t) => reportFileName({ issuedAt: t }, 'json'));
    expect([...names].reverse().sort()).toEqual(names);
  });

  it('type HTML and JSON with their charset', () => {
    expect(REPORT_MIME_TYPES).toEqual({ html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8' });
  });
});
