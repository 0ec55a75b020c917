// ffmpeg's own `ssim` and `psnr` filters on two videos, in one decode of each: the anchor that
// engine/qa is checked against (tests) and timed against (bench/qa.ts).
import { inputError } from '../errors';
import { ffmpegInfo } from './ffmpeg-locate';
import { abortedError, fileUrlArg, LOCAL_ONLY, runToText, toolFailure } from './ffmpeg-process';
import { requireInputFile } from './output-file';

export interface FfmpegQualityMetrics {
  frames: number;
  /** PSNR of the Y plane over the whole video (from the mean MSE), dB; Infinity when identical. */
  psnrY: number;
  /** Mean of the per-frame SSIM of the Y plane (8x8 windows, step 4). */
  ssimY: number;
  perFrame: { ssimY: number; psnrY: number }[];
}

const num = (s: string): number => (s === 'inf' ? Infinity : Number(s));

/** Parses the stats_file lines (both filters print to stdout) and the summary lines on stderr. */
export function parseQualityOutput(stdout: string, stderr: string): FfmpegQualityMetrics {
  const ssimFrames = [...stdout.matchAll(/^n:(\d+) Y:([\d.]+|inf)/gm)].map((m) => num(m[2] ?? 'NaN'));
  const psnrFrames = [...stdout.matchAll(/^n:(\d+) mse_avg:.*?psnr_y:([\d.]+|inf)/gm)].map((m) => num(m[2] ?? 'NaN'));
  const psnrY = /PSNR y:([\d.]+|inf)/.exec(stderr)?.[1];
  const ssimY = /SSIM Y:([\d.]+)/.exec(stderr)?.[1];
  if (psnrY === undefined || ssimY === undefined || ssimFrames.length === 0) {
    throw inputError('QA_FFMPEG_METRICS', 'ffmpeg printed no SSIM/PSNR summary (are both inputs videos?)');
  }
  return {
    frames: ssimFrames.length,
    psnrY: num(psnrY),
    ssimY: num(ssimY),
    perFrame: ssimFrames.map((s, i) => ({ ssimY: s, psnrY: psnrFrames[i] ?? NaN })),
  };
}

/** Runs `[video][reference]ssim` and `psnr` in one ffmpeg process; sizes must match (ffmpeg refuses otherwise). */
export async function ffmpegQualityMetrics(video: string, reference: string, signal?: AbortSignal): Promise<FfmpegQualityMetrics> {
  const a = await requireInputFile(video, 'video');
  const b = await requireInputFile(reference, 'reference video');
  const ffmpeg = await ffmpegInfo();
  // ssim passes its main input through unchanged, so psnr can take it next without a second decode.
  const graph = '[1:v:0]split[r1][r2];[0:v:0][r1]ssim=stats_file=-[m];[m][r2]psnr=stats_file=-';
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...LOCAL_ONLY, '-i', fileUrlArg(a), ...LOCAL_ONLY, '-i', fileUrlArg(b), '-an', '-sn', '-lavfi', graph, '-f', 'null', '-'];
  const run = await runToText(ffmpeg.path, args, signal);
  const doing = `measuring SSIM/PSNR of ${a} against ${b}`;
  if (run.aborted) throw abortedError(doing);
  if (run.exit.code !== 0) throw toolFailure('ffmpeg', doing, run.exit, run.stderr);
  return parseQualityOutput(run.stdout, run.stderr.all());
}
