// `aiprod render`: one shot, rendered in the worker process (a crash there fails this command with
// a clear error instead of killing it), written as an MP4 plus its reproducibility record.
import path from 'node:path';
import { AiprodError } from '../../engine/errors';
import { WorkerClient } from '../../engine/jobs/worker-client';
import { prepareOutputTarget } from '../../engine/render/output-target';
import { DEVICES, parseRenderRequest, randomSeed } from '../../engine/render/request';
import type { RenderShotResult } from '../../engine/render/result';
import { TIER_NAMES } from '../../engine/render/tiers';
import { packSearchDirs } from '../../engine/system/paths';
import { parseArgs, requireFlag, type CommandSyntax } from '../args';
import { formatDuration, note, printJson, ProgressLine, type CliIO } from '../output';

const FLAGS = {
  prompt: { type: 'string', description: 'what the shot shows' },
  negative: { type: 'string', description: 'what it should not show' },
  seed: { type: 'int', description: 'random seed (default: a random one, printed and recorded)' },
  tier: { type: 'enum', values: TIER_NAMES, description: 'configs/tiers.json preset (default standard)' },
  steps: { type: 'int', description: 'denoising steps (default: the tier’s)' },
  frames: { type: 'int', description: 'frame count (default: the tier’s, fitted to the model)' },
  guidance: { type: 'number', description: 'classifier-free guidance scale (default: the tier’s)' },
  model: { type: 'string', description: 'model pack id (default aiprod-nano)' },
  device: { type: 'enum', values: DEVICES, description: 'execution provider (default auto)' },
  out: { type: 'string', description: 'the .mp4 to write; its record goes next to it as .json' },
  overwrite: { type: 'boolean', description: 'replace an existing output and record' },
  'packs-dir': { type: 'string', description: 'one more folder to look for model packs in' },
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = {
  command: 'render',
  usage:
    'render --prompt TEXT [--negative TEXT] [--seed N] [--tier eco|standard|premium] [--steps N] [--frames N] [--guidance X] [--model ID] [--device auto|cuda|cpu] --out FILE.mp4 [--overwrite] [--json]',
  flags: FLAGS,
};

/** Request fields as the user typed them on the command line. */
const FLAG_OF_FIELD: Record<string, string> = {
  prompt: '--prompt',
  negativePrompt: '--negative',
  seed: '--seed',
  tier: '--tier',
  steps: '--steps',
  frames: '--frames',
  guidance: '--guidance',
  model: '--model',
  output: '--out',
};

/** Names the flag at fault in an input error that names a request field. */
function withFlag(error: unknown): unknown {
  if (!(error instanceof AiprodError) || error.kind !== 'input') return error;
  const field = error.detail?.field;
  const flag = typeof field === 'string' ? FLAG_OF_FIELD[field] : undefined;
  if (flag === undefined || error.message.includes(flag)) return error;
  return new AiprodError(error.code, `${error.message} (${flag})`, { kind: error.kind, ...(error.detail ? { detail: error.detail } : {}), cause: error });
}

export function summaryJson(result: RenderShotResult): Record<string, unknown> {
  return {
    output: result.output,
    frames: result.frames,
    width: result.width,
    height: result.height,
    fps: result.fps,
    seed: result.seed,
    executionProvider: result.executionProvider,
    ...(result.providerReason === undefined ? {} : { providerReason: result.providerReason }),
    timings: result.timings,
    record: result.record,
    steps: result.steps,
    guidance: result.guidance,
    tier: result.tier,
    upscale: result.upscale,
    model: result.model,
    frameHash: result.frameHash,
    outputSha256: result.outputSha256,
    warnings: result.warnings,
  };
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, syntax);
  const prompt = requireFlag(syntax, 'prompt', flags.prompt);
  const out = requireFlag(syntax, 'out', flags.out);
  const randomised = flags.seed === undefined;
  const seed = flags.seed ?? randomSeed();

  let request;
  let target;
  try {
    request = parseRenderRequest({
      prompt,
      ...(flags.negative === undefined ? {} : { negativePrompt: flags.negative }),
      seed,
      ...(flags.tier === undefined ? {} : { tier: flags.tier }),
      ...(flags.steps === undefined ? {} : { steps: flags.steps }),
      ...(flags.frames === undefined ? {} : { frames: flags.frames }),
      ...(flags.guidance === undefined ? {} : { guidance: flags.guidance }),
      ...(flags.model === undefined ? {} : { model: flags.model }),
    });
    // Checked here too (the worker checks again) so a bad --out fails before a process starts.
    target = prepareOutputTarget(path.resolve(io.cwd, out), { overwrite: flags.overwrite === true });
  } catch (error) {
    throw withFlag(error);
  }

  const extraDirs = flags['packs-dir'] === undefined ? [] : [path.resolve(io.cwd, flags['packs-dir'])];

  const progress = new ProgressLine(io.stderr);
  const client = new WorkerClient();
  let result: RenderShotResult;
  try {
    result = await client.render(
      {
        request,
        options: { output: target.video, packSearchDirs: packSearchDirs(extraDirs), device: flags.device ?? 'auto', overwrite: flags.overwrite === true },
      },
      { onProgress: (p) => progress.update(p), signal: io.signal },
    );
  } catch (error) {
    throw withFlag(error);
  } finally {
    progress.finish();
    await client.close();
  }

  for (const warning of result.warnings) note(io, `warning: ${warning}`);
  // Said after the render, not before: a failed render has only its one error line on stderr.
  if (randomised) note(io, `seed ${seed} (random; pass --seed ${seed} to render this shot again)`);
  if (flags.json === true) {
    printJson(io, summaryJson(result));
  } else {
    const provider = result.providerReason === undefined ? result.executionProvider : `${result.executionProvider} (${result.providerReason})`;
    io.stdout.write(
      `${result.output}\n` +
        `  ${result.width}x${result.height}, ${result.frames} frames at ${result.fps} fps, seed ${result.seed}, ${result.steps} steps, guidance ${result.guidance}\n` +
        `  model ${result.model.id} ${result.model.version} on ${provider}, ${formatDuration(result.timings.totalMs)} (denoise ${formatDuration(result.timings.denoiseMs)})\n` +
        `  record ${result.record}\n`,
    );
  }
  return 0;
}
