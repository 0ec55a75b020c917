import { describe, expect, it } from 'vitest';
import { DEFAULT_QA_THRESHOLDS, type QaReportDto, type QaThresholds, type RerenderCheckDto } from '../../../../../electron/common/channels/qa';
import { renderPaths } from '../../../../../renderer/src/features/qa/render-paths';
import { effectiveThresholds, overallVerdict, qaBadges, rerenderVerdict } from '../../../../../renderer/src/features/qa/verdicts';

function report(overrides: Partial<QaReportDto> = {}): QaReportDto {
  return {
    video: '/p/renders/s/j.mp4',
    reference: '/p/renders/t/k.mp4',
    frames: 8,
    width: 64,
    height: 64,
    fps: 8,
    psnr: 35.5,
    ssim: 0.95,
    ssimFfmpeg: 0.96,
    temporal: { meanFrameSsim: 0.87, minFrameSsim: 0.84, flicker: 0.32 },
    perFrame: [],
    method: { plane: '', psnr: '', ssim: '', ssimFfmpeg: '', temporal: '' },
    prompt: {
      text: 'a red circle moving right',
      scored: true,
      model: 'aiprod-nano',
      judge: 'aiprod-nano-analytic',
      expected: { colour: 'red', shape: 'circle', motion: 'right', background: null },
      observed: { colour: 'red', motion: 'right', shape: 'square', confidence: { colour: 1, motion: 1, shape: 0.5 }, validFrames: 8 },
      matches: { colour: true, motion: true, shape: false },
      score: 2 / 3,
      notes: [],
    },
    ...overrides,
  };
}

const verdicts = (r: QaReportDto | null, t: QaThresholds = DEFAULT_QA_THRESHOLDS) => Object.fromEntries(qaBadges(r, t).map((b) => [b.key, b.verdict]));

describe('QA badges', () => {
  it('passes figures on the right side of each bar, and says what they are', () => {
    const badges = qaBadges(report(), DEFAULT_QA_THRESHOLDS);
    expect(badges.map((b) => [b.key, b.value, b.threshold, b.verdict])).toEqual([
      ['ssim', '0.9500', '≥ 0.9', 'pass'],
      ['psnr', '35.50 dB', '≥ 30 dB', 'pass'],
      ['flicker', '0.32 levels', '≤ 4', 'pass'],
      ['prompt', '67 %', '≥ 66 %', 'pass'],
    ]);
  });

  it('fails figures on the wrong side, higher or lower as each metric wants', () => {
    const strict: QaThresholds = { minSsim: 0.99, minPsnr: 40, maxFlicker: 0.1, minPromptAdherence: 1 };
    expect(verdicts(report(), strict)).toEqual({ ssim: 'fail', psnr: 'fail', flicker: 'fail', prompt: 'fail' });
  });

  it('counts a PSNR of "inf" as above every bar', () => {
    expect(verdicts(report({ psnr: 'inf' }), { ...DEFAULT_QA_THRESHOLDS, minPsnr: 100 }).psnr).toBe('pass');
  });

  it('turns a check off with a null threshold', () => {
    expect(verdicts(report(), { minSsim: null, minPsnr: null, maxFlicker: null, minPromptAdherence: null })).toEqual({ ssim: 'off', psnr: 'off', flicker: 'off', prompt: 'off' });
  });

  it('never passes what was not measured, and says why', () => {
    const noReference = qaBadges(report({ reference: null, psnr: null, ssim: null, ssimFfmpeg: null, prompt: { text: 'x', scored: false, model: null, reason: 'no judge' } }), DEFAULT_QA_THRESHOLDS);
    expect(noReference.map((b) => [b.key, b.verdict, b.why ?? null])).toEqual([
      ['ssim', 'unmeasured', 'no reference video was chosen'],
      ['psnr', 'unmeasured', 'no reference video was chosen'],
      ['flicker', 'pass', null],
      ['prompt', 'unmeasured', 'no judge'],
    ]);
    expect(verdicts(null)).toEqual({ ssim: 'unmeasured', psnr: 'unmeasured', flicker: 'unmeasured', prompt: 'unmeasured' });
  });

  it('uses the defaults when the project sets no thresholds', () => {
    expect(effectiveThresholds(undefined)).toEqual(DEFAULT_QA_THRESHOLDS);
    const own: QaThresholds = { ...DEFAULT_QA_THRESHOLDS, minSsim: 0.5 };
    expect(effectiveThresholds(own)).toBe(own);
  });
});

describe('the overall verdict', () => {
  const check = (status: RerenderCheckDto['status']) => ({ status }) as RerenderCheckDto;

  it('fails when any check failed, the re-render check included', () => {
    const passing = qaBadges(report(), DEFAULT_QA_THRESHOLDS);
    expect(overallVerdict(passing, rerenderVerdict(check('passed')))).toBe('pass');
    expect(overallVerdict(passing, rerenderVerdict(check('failed')))).toBe('fail');
    expect(overallVerdict(qaBadges(report({ ssim: 0.1 }), DEFAULT_QA_THRESHOLDS), 'pass')).toBe('fail');
  });

  it('is incomplete until the checks that count are measured', () => {
    expect(overallVerdict(qaBadges(null, DEFAULT_QA_THRESHOLDS), 'unmeasured')).toBe('incomplete');
    expect(overallVerdict(qaBadges(report(), DEFAULT_QA_THRESHOLDS), rerenderVerdict(null))).toBe('incomplete');
  });

  it('does not require the reference metrics when no reference was chosen', () => {
    const noReference = qaBadges(report({ reference: null, psnr: null, ssim: null }), DEFAULT_QA_THRESHOLDS);
    expect(overallVerdict(noReference, 'pass')).toBe('pass');
  });

  it('treats frames that differ across providers as no failure', () => {
    expect(rerenderVerdict(check('differs-across-providers'))).toBe('differs');
    expect(overallVerdict(qaBadges(report(), DEFAULT_QA_THRESHOLDS), 'differs')).toBe('pass');
  });
});

describe('render paths', () => {
  it('joins the project folder and the stored relative path, POSIX and Windows', () => {
    expect(renderPaths('/home/ana/film', 'renders/s1/job.mp4')).toEqual({ video: '/home/ana/film/renders/s1/job.mp4', record: '/home/ana/film/renders/s1/job.json' });
    expect(renderPaths('C:\\films\\harbour\\', 'renders/s1/job.mp4')).toEqual({ video: 'C:\\films\\harbour\\renders\\s1\\job.mp4', record: 'C:\\films\\harbour\\renders\\s1\\job.json' });
  });
});
