// `aiprod qa VIDEO [--reference VIDEO] [--prompt TEXT [--model ID]] [--json]`: quality of a rendered video.
// With a reference: PSNR and SSIM (luma) per frame and overall; always: temporal stability. With a
// prompt: its adherence, scored by the judge of the pack that made the video (the pack named by
// --model, else by the video's reproducibility record) when that pack ships one (world.json).
// JSON keys other tools rely on (DESIGN.md §3): frames, psnr, ssim, temporal. psnr is a number of
// dB, the string "inf" for identical videos, or null without a reference.
//
// `aiprod qa --rerender RECORD.json [--device D] [--keep FILE.mp4] [--save] [--json]`: the re-render
// check (engine/qa/rerender.ts): renders the recorded shot again in the render worker and compares.
// Exit 0 when it passed (or differs only across providers), 1 when it failed. --save stores the
// figures with the render, in <job>.qa.json (engine/qa/qa-file.ts).
import path from 'node:path';
import { saveAnalysis, saveRerenderCheck } from '../../engine/qa/qa-file';
import { qaReportJson } from '../../engine/qa/qa-documents';
import { formatRerenderCheck, rerenderCheck } from '../../engine/qa/rerender';
import { DEVICES } from '../../engine/render/request';
import { promptQaOfVideo } from '../../engine/qa/prompt-adherence';
import { analyseVideo, formatQaReport, qaReportToJson } from '../../engine/qa/report';
import type { QaReport } from '../../engine/qa/report';
import { packSearchDirs } from '../../engine/system/paths';
import { parseArgs, usageError, type CommandSyntax, type ParsedFlags } from '../args';
import { note, printJson, ProgressLine, type CliIO } from '../output';

const FLAGS = {
  reference: { type: 'string', description: 'reference video for PSNR/SSIM (same size and frame count)' },
  prompt: { type: 'string', description: 'the prompt the video was rendered from (scored when its pack has a judge)' },
  model: { type: 'string', description: "the pack that rendered the video (default: the one its .json record names)" },
  'packs-dir': { type: 'string', description: 'one more folder to look for model packs in' },
  trim: { type: 'boolean', description: 'when frame counts differ, compare the first min(n, m) frames instead of failing' },
  'max-frames': { type: 'int', min: 1, description: 'score only the first N frames' },
  rerender: { type: 'string', description: 'the re-render check: render the shot of this record (.json, or its .mp4) again and compare' },
  device: { type: 'enum', values: DEVICES, description: 'with --rerender: where to render (default: the device the record asked for)' },
  keep: { type: 'string', description: 'with --rerender: keep the re-render at this .mp4 (default: a temporary file, removed)' },
  save: { type: 'boolean', description: 'store the figures with the render, in <job>.qa.json next to the video' },
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = {
  command: 'qa',
  usage:
    'qa VIDEO [--reference VIDEO] [--prompt TEXT [--model ID]] [--trim] [--max-frames N] [--packs-dir DIR] [--save] [--json] | qa --rerender RECORD.json [--device auto|cuda|cpu] [--keep FILE.mp4] [--packs-dir DIR] [--save] [--json]',
  flags: FLAGS,
  positionals: { min: 0, max: 1 },
};

export interface QaCommandArgs {
  video: string;
  reference?: string;
  prompt?: string;
  /** The pack that rendered the video, for prompt adherence (default: the one its record names). */
  model?: string;
  /** More folders to look for model packs in, after the usual ones. */
  packsDirs?: readonly string[];
  json: boolean;
  trim?: boolean;
  maxFrames?: number;
  signal?: AbortSignal;
}

export type QaCommandReport = QaReport;

/** The work of the command without the printing: for the dispatcher, hosts and tests. */
export async function qaCommand(args: QaCommandArgs, cwd: string = process.cwd()): Promise<QaCommandReport> {
  const report: QaCommandReport = await analyseVideo(path.resolve(cwd, args.video), {
    ...(args.reference === undefined ? {} : { reference: path.resolve(cwd, args.reference) }),
    ...(args.trim === true ? { framePolicy: 'trim' as const } : {}),
    ...(args.maxFrames === undefined ? {} : { maxFrames: args.maxFrames }),
    ...(args.signal === undefined ? {} : { signal: args.signal }),
  });
  if (args.prompt !== undefined) {
    report.prompt = await promptQaOfVideo(path.resolve(cwd, args.video), args.prompt, {
      packSearchDirs: packSearchDirs((args.packsDirs ?? []).map((d) => path.resolve(cwd, d))),
      ...(args.model === undefined ? {} : { model: args.model }),
      ...(args.signal === undefined ? {} : { signal: args.signal }),
    });
  }
  return report;
}

type QaFlags = ParsedFlags<typeof FLAGS>;

const VIDEO_ONLY_FLAGS = ['reference', 'prompt', 'model', 'trim', 'max-frames'] as const;

/** The re-render check from the command line; exit 1 when it failed. */
async function runRerender(flags: QaFlags, positionals: readonly string[], io: CliIO): Promise<number> {
  if (positionals.length > 0) throw usageError(syntax, `--rerender takes the record to check; ${JSON.stringify(positionals[0])} is one argument too many`, { flag: '--rerender' });
  const misplaced = VIDEO_ONLY_FLAGS.find((flag) => flags[flag] !== undefined);
  if (misplaced !== undefined) throw usageError(syntax, `--${misplaced} does not go with --rerender`, { flag: `--${misplaced}` });
  const extraDirs = flags['packs-dir'] === undefined ? [] : [path.resolve(io.cwd, flags['packs-dir'])];
  const progress = new ProgressLine(io.stderr);
  let check;
  try {
    check = await rerenderCheck(path.resolve(io.cwd, flags.rerender as string), {
      packSearchDirs: packSearchDirs(extraDirs),
      signal: io.signal,
      onProgress: (p) => progress.update({ stage: p.stage, step: p.step, totalSteps: p.total }),
      ...(flags.device === undefined ? {} : { device: flags.device }),
      ...(flags.keep === undefined ? {} : { keepOutput: path.resolve(io.cwd, flags.keep) }),
    });
  } finally {
    progress.finish();
  }
  if (flags.save === true) await saveRerenderCheck(check.record, check);
  if (flags.json === true) printJson(io, check);
  else io.stdout.write(`${formatRerenderCheck(check)}\n`);
  if (check.status !== 'failed') return 0;
  // The one line that names what is at fault; the details are in the output above.
  note(io, `aiprod qa: ${check.summary} [QA_RERENDER_FAILED]`);
  return 1;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, syntax);
  if (flags.rerender !== undefined) return runRerender(flags, positionals, io);
  if (positionals.length === 0) throw usageError(syntax, 'missing the VIDEO to score (or --rerender RECORD.json)');
  for (const flag of ['device', 'keep'] as const) {
    if (flags[flag] !== undefined) throw usageError(syntax, `--${flag} goes with --rerender`, { flag: `--${flag}` });
  }
  if (flags.prompt === undefined && flags.model !== undefined) throw usageError(syntax, '--model names the pack to score --prompt with; give --prompt too', { flag: '--model' });
  const report = await qaCommand(
    {
      video: positionals[0] as string,
      json: flags.json === true,
      trim: flags.trim === true,
      signal: io.signal,
      ...(flags.reference === undefined ? {} : { reference: flags.reference }),
      ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
      ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(flags['packs-dir'] === undefined ? {} : { packsDirs: [flags['packs-dir']] }),
      ...(flags['max-frames'] === undefined ? {} : { maxFrames: flags['max-frames'] }),
    },
    io.cwd,
  );
  if (flags.save === true) await saveAnalysis(path.resolve(io.cwd, positionals[0] as string), { at: new Date().toISOString(), report: qaReportJson(report) });
  if (flags.json === true) io.stdout.write(`${qaReportToJson(report, 2)}\n`);
  else io.stdout.write(`${formatQaReport(report)}\n`);
  return 0;
}

/** The name the CLI brief used; same function as `run`. */
export const runQaCommand = run;
