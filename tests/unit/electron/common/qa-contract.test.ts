import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_QA_THRESHOLDS as CONTRACT_DEFAULTS,
  QA_THRESHOLD_LIMITS as CONTRACT_LIMITS,
  QaAnalysisDto,
  QaReportDto,
  QaThresholds as ContractThresholds,
  RerenderCheckDto,
} from '../../../../electron/common/channels/qa';
import { ProjectSettings as ContractSettings } from '../../../../electron/common/channels/projects';
import { invokeChannels } from '../../../../electron/common/contract';
import { QaReportJson, RerenderCheck } from '../../../../engine/qa/qa-documents';
import { QaAnalysis } from '../../../../engine/qa/qa-file';
import { DEFAULT_QA_THRESHOLDS, QA_THRESHOLD_LIMITS, QaThresholds } from '../../../../engine/qa/thresholds';
import { ProjectSettings as EngineSettings } from '../../../../engine/projects/schema';

// The QA shapes are written twice: in the engine (files on disk, the QA process) and in the IPC
// contract (electron/common imports nothing of ours). These tests prove the two are the same.

describe('the qa contract', () => {
  it('describes the same documents as the engine', () => {
    expect(z.toJSONSchema(QaReportDto)).toEqual(z.toJSONSchema(QaReportJson));
    expect(z.toJSONSchema(QaAnalysisDto)).toEqual(z.toJSONSchema(QaAnalysis));
    expect(z.toJSONSchema(RerenderCheckDto)).toEqual(z.toJSONSchema(RerenderCheck));
  });

  it('has the same thresholds, limits and defaults as the engine', () => {
    expect(z.toJSONSchema(ContractThresholds)).toEqual(z.toJSONSchema(QaThresholds));
    expect(CONTRACT_LIMITS).toEqual(QA_THRESHOLD_LIMITS);
    expect(CONTRACT_DEFAULTS).toEqual(DEFAULT_QA_THRESHOLDS);
    expect(QaThresholds.parse(DEFAULT_QA_THRESHOLDS)).toEqual(DEFAULT_QA_THRESHOLDS);
  });

  it('refuses thresholds out of range, naming the threshold, on both sides', () => {
    const bad = { ...DEFAULT_QA_THRESHOLDS, minSsim: 1.5 };
    expect(QaThresholds.safeParse(bad).error?.issues[0]?.message).toBe('minimum SSIM must be between 0 and 1');
    expect(ContractThresholds.safeParse(bad).error?.issues[0]?.message).toBe('minimum SSIM must be between 0 and 1');
    expect(QaThresholds.safeParse({ ...DEFAULT_QA_THRESHOLDS, maxFlicker: -1 }).success).toBe(false);
    expect(QaThresholds.safeParse({ ...DEFAULT_QA_THRESHOLDS, extra: 1 }).success).toBe(false);
    expect(QaThresholds.safeParse({ minSsim: null, minPsnr: null, maxFlicker: null, minPromptAdherence: null }).success).toBe(true);
  });

  it('keeps thresholds in the project settings, optional, with the same validation', () => {
    const settings = { fps: 8, defaultTier: 'eco', defaultModel: 'aiprod-nano', device: 'auto' };
    for (const schema of [EngineSettings, ContractSettings]) {
      expect(schema.safeParse(settings).success).toBe(true);
      expect(schema.safeParse({ ...settings, qa: DEFAULT_QA_THRESHOLDS }).success).toBe(true);
      expect(schema.safeParse({ ...settings, qa: { ...DEFAULT_QA_THRESHOLDS, minPsnr: 500 } }).success).toBe(false);
    }
  });

  it('takes absolute paths and page-made run ids only', () => {
    const run = invokeChannels['qa.run'].payload;
    expect(run.safeParse({ runId: 'run-1', output: '/p/renders/s/j.mp4' }).success).toBe(true);
    expect(run.safeParse({ runId: 'run-1', output: 'renders/s/j.mp4' }).error?.issues[0]?.message).toBe('the path must be absolute');
    expect(run.safeParse({ runId: 'a b', output: '/p/j.mp4' }).success).toBe(false);
    expect(run.safeParse({ runId: 'run-1', output: '/p/j.mp4', extra: true }).success).toBe(false);
    expect(invokeChannels['qa.rerender'].payload.safeParse({ runId: 'r', record: '/p/j.json', device: 'tpu' }).success).toBe(false);
    expect(invokeChannels['qa.get'].payload.safeParse({ path: 'C:\\p\\j.mp4' }).success).toBe(true);
  });
});
