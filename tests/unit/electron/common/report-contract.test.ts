import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  NetworkStatsSchema,
  REPORT_FORMAT as CONTRACT_FORMAT,
  REPORT_SECTIONS as CONTRACT_SECTIONS,
  SovereigntyReportSchema as ContractReport,
} from '../../../../electron/common/channels/report';
import { invokeChannels } from '../../../../electron/common/contract';
import { networkGuardStats } from '../../../../engine/net';
import { assembleReport } from '../../../../engine/sovereignty/build-report';
import { REPORT_FORMAT, REPORT_SECTIONS, SovereigntyReportSchema as EngineReport } from '../../../../engine/sovereignty/report-schema';
import { goodFacts, model } from '../../engine/sovereignty/fixtures';

// The report is written twice: in the engine (the format of `aiprod report --format json`) and in
// the IPC contract (electron/common may import nothing of ours). These tests prove they are one.

describe('the report contract', () => {
  it('describes the same report as the engine, section by section and in the same order', () => {
    expect(z.toJSONSchema(ContractReport)).toEqual(z.toJSONSchema(EngineReport));
    expect(CONTRACT_SECTIONS).toEqual(REPORT_SECTIONS);
    expect(CONTRACT_FORMAT).toBe(REPORT_FORMAT);
  });

  it('passes a report through unchanged, so its content hash still holds on the other side', () => {
    const report = assembleReport({ ...goodFacts(), models: [model({ name: '<img src=x onerror=alert(1)>' })] }, new Date('2026-11-23T12:00:00.000Z'));
    expect(ContractReport.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('carries the guard counts as the engine gives them', () => {
    expect(NetworkStatsSchema.safeParse(networkGuardStats()).success).toBe(true);
  });

  it('refuses relative paths, unknown options and formats it does not write', () => {
    const get = invokeChannels['report.get'].payload;
    expect(get.safeParse(undefined).success).toBe(true);
    expect(get.safeParse({ verify: true, projectFolder: '/home/ana/film' }).success).toBe(true);
    expect(get.safeParse({ rendersDir: 'renders' }).error?.issues[0]?.message).toBe('the path must be absolute');
    expect(get.safeParse({ render: '/tmp' }).success).toBe(false);
    const exp = invokeChannels['report.export'].payload;
    expect(exp.safeParse({ format: 'html' }).success).toBe(true);
    expect(exp.safeParse({ format: 'pdf' }).success).toBe(false);
    expect(exp.safeParse({ format: 'json', path: './report.json' }).success).toBe(false);
    expect(exp.safeParse({ format: 'json', contentHash: 'not-a-hash' }).success).toBe(false);
  });
});
