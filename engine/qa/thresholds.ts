// The quality bar a project sets for its renders: the QA panel's pass/fail badges compare a render's
// figures with these. Saved with the project (project.aiprod.json, settings.qa) like the project's
// other settings, so the bar travels with the folder. null turns a check off.
//
// Written twice, here and in electron/common/channels/qa.ts (electron/common imports nothing of
// ours); tests/unit/electron/common/qa-contract.test.ts proves the two agree.
import { z } from 'zod';

export const QA_THRESHOLD_LIMITS = {
  /** SSIM of Y against the reference, 0..1. */
  minSsim: { min: 0, max: 1 },
  /** PSNR of Y against the reference, dB. */
  minPsnr: { min: 0, max: 100 },
  /** Mean |change of mean luma| between consecutive frames, 8-bit levels. */
  maxFlicker: { min: 0, max: 255 },
  /** Fraction of the prompt's attributes the judge sees in the video, 0..1. */
  minPromptAdherence: { min: 0, max: 1 },
} as const;

const bounded = (name: string, range: { min: number; max: number }) =>
  z
    .number({ error: `${name} must be a number` })
    .min(range.min, `${name} must be between ${range.min} and ${range.max}`)
    .max(range.max, `${name} must be between ${range.min} and ${range.max}`)
    .nullable();

export const QaThresholds = z
  .object({
    minSsim: bounded('minimum SSIM', QA_THRESHOLD_LIMITS.minSsim),
    minPsnr: bounded('minimum PSNR', QA_THRESHOLD_LIMITS.minPsnr),
    maxFlicker: bounded('maximum flicker', QA_THRESHOLD_LIMITS.maxFlicker),
    minPromptAdherence: bounded('minimum prompt adherence', QA_THRESHOLD_LIMITS.minPromptAdherence),
  })
  .strict();
export type QaThresholds = z.infer<typeof QaThresholds>;

/**
 * The bar when a project sets none. SSIM 0.90 and PSNR 30 dB are the usual "visually close" marks
 * for a re-encode or a re-render against its reference; 4 luma levels of mean frame-to-frame change
 * is well above a steady shot (AIPROD-Nano's moving shapes measure about 0.3) and below a visible
 * pulse; 2 of 3 attributes of the prompt (colour, motion, shape) must be seen.
 */
export const DEFAULT_QA_THRESHOLDS: QaThresholds = { minSsim: 0.9, minPsnr: 30, maxFlicker: 4, minPromptAdherence: 0.66 };
