// `aiprod qa VIDEO [--reference VIDEO] [--prompt TEXT] [--json]`: quality of a rendered video.
// With a reference: PSNR and SSIM (luma) per frame and overall; always: temporal stability.
// JSON keys other tools rely on (DESIGN.md §3): frames, psnr, ssim, temporal. psnr is a number of
// dB, the string "inf" for identical videos, or null without a reference.
import path from 'node:path';
import { analyseVideo, formatQaReport, qaReportToJson } from '../../engine/qa/report';
import type { QaReport } from '../../engine/qa/report';
import { parseArgs, type CommandSyntax } from '../args';
import { note, type CliIO } from '../output';

const FLAGS = {
  reference: { type: 'string', description: 'reference video for PSNR/SSIM (same size and frame count)' },
  prompt: { type: 'string', description: 'the prompt the video was rendered from (recorded in the report)' },
  trim: { type: 'boolean', description: 'when frame counts differ, compare the first min(n, m) frames instead of failing' },
  'max-frames': { type: 'int', min: 1, description: 'score only the first N frames' },
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = {
  command: 'qa',
  usage: 'qa VIDEO [--reference VIDEO] [--prompt TEXT] [--trim] [--max-frames N] [--json]',
  flags: FLAGS,
  positionals: { min: 1, max: 1 },
};

export interface QaCommandArgs {
  video: string;
  reference?: string;
  prompt?: string;
  json: boolean;
  trim?: boolean;
  maxFrames?: number;
  signal?: AbortSignal;
}

export type QaCommandReport = QaReport & { prompt?: { text: string; scored: false; note: string } };

/** The work of the command without the printing: for the dispatcher, hosts and tests. */
export async function qaCommand(args: QaCommandArgs, cwd: string = process.cwd()): Promise<QaCommandReport> {
  const report: QaCommandReport = await analyseVideo(path.resolve(cwd, args.video), {
    ...(args.reference === undefined ? {} : { reference: path.resolve(cwd, args.reference) }),
    ...(args.trim === true ? { framePolicy: 'trim' as const } : {}),
    ...(args.maxFrames === undefined ? {} : { maxFrames: args.maxFrames }),
    ...(args.signal === undefined ? {} : { signal: args.signal }),
  });
  if (args.prompt !== undefined) {
    // Prompt adherence belongs to the nano judge (engine/qa/nano-judge.ts); until it is wired here
    // the prompt is recorded and explicitly marked as not scored.
    report.prompt = { text: args.prompt, scored: false, note: 'prompt adherence is not scored by this command yet' };
  }
  return report;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, syntax);
  const report = await qaCommand(
    {
      video: positionals[0] as string,
      json: flags.json === true,
      trim: flags.trim === true,
      signal: io.signal,
      ...(flags.reference === undefined ? {} : { reference: flags.reference }),
      ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
      ...(flags['max-frames'] === undefined ? {} : { maxFrames: flags['max-frames'] }),
    },
    io.cwd,
  );
  if (flags.json === true) io.stdout.write(`${qaReportToJson(report, 2)}\n`);
  else {
    io.stdout.write(`${formatQaReport(report)}\n`);
    if (report.prompt !== undefined) note(io, `note: ${report.prompt.note}`);
  }
  return 0;
}

/** The name the CLI brief used; same function as `run`. */
export const runQaCommand = run;
