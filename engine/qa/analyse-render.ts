// The QA analysis of one rendered video, as the studio asks for it: PSNR/SSIM against a reference when
// one is given, temporal stability and flicker always, prompt adherence when a prompt is given (by the
// judge of the pack that made the video, prompt-adherence.ts). Answers the JSON form that is stored.
import path from 'node:path';
import { promptQaOfVideo } from './prompt-adherence';
import { qaReportJson } from './qa-documents';
import type { QaAnalysis } from './qa-file';
import { analyseVideo } from './report';

export interface AnalyseRenderRequest {
  video: string;
  reference?: string | undefined;
  prompt?: string | undefined;
  packSearchDirs: readonly string[];
}

export interface QaStepProgress {
  stage: string;
  step: number;
  total: number;
}

export interface AnalyseRenderOptions {
  onProgress?: (progress: QaStepProgress) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export async function analyseRender(request: AnalyseRenderRequest, options: AnalyseRenderOptions = {}): Promise<QaAnalysis> {
  const withPrompt = request.prompt !== undefined && request.prompt.trim() !== '';
  const total = withPrompt ? 2 : 1;
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const video = path.resolve(request.video);
  options.onProgress?.({ stage: 'metrics', step: 0, total });
  const report = await analyseVideo(video, { ...(request.reference === undefined ? {} : { reference: path.resolve(request.reference) }), ...signal });
  if (withPrompt) {
    options.onProgress?.({ stage: 'prompt', step: 1, total });
    report.prompt = await promptQaOfVideo(video, request.prompt as string, { packSearchDirs: request.packSearchDirs, ...signal });
  }
  options.onProgress?.({ stage: 'done', step: total, total });
  return { at: (options.now ?? (() => new Date()))().toISOString(), report: qaReportJson(report) };
}
