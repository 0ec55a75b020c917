// `aiprod estimate`: what a shot will cost before it is rendered — seconds, kWh, money and peak
// memory — from this machine's calibration of the pack (measured the first time, unless
// --no-calibrate), the pricing settings and nvidia-smi's view of the GPU.
import os from 'node:os';
import { AiprodError } from '../../engine/errors';
import path from 'node:path';
import { accuracyStats, type AccuracyStats } from '../../engine/cost/accuracy';
import { calibrate, usableCalibration } from '../../engine/cost/calibration';
import { SqliteCalibrationStore } from '../../engine/cost/calibration-store';
import { chooseDevice, gatherDeviceFacts, type EstimateDevice } from '../../engine/cost/device';
import { estimateShot, resolveShot, type ShotEstimate } from '../../engine/cost/estimate';
import { estimateJsonOf } from '../../engine/cost/estimate-json';
import { fitReport, formatBytes, type FitReport } from '../../engine/cost/guard';
import { footprintOf } from '../../engine/cost/pack-footprint';
import { loadPricing, resolvePricingFile } from '../../engine/cost/pricing';
import { openLibraryDatabase } from '../../engine/library/database';
import { LIBRARY_DOMAINS } from '../../engine/library/domains';
import { libraryPaths } from '../../engine/library/paths';
import { findPack } from '../../engine/models/pack-loader';
import { DEFAULT_MODEL_ID, DEVICES, RENDER_LIMITS, type Device } from '../../engine/render/request';
import { loadTiers, TIER_NAMES, type TierName } from '../../engine/render/tiers';
import { aiprodHome, configPath, packSearchDirs } from '../../engine/system/paths';
import { parseArgs, requireFlag, type CommandSyntax } from '../args';
import { formatDuration, note, printJson, type CliIO } from '../output';

const FLAGS = {
  tier: { type: 'enum', values: TIER_NAMES, description: 'configs/tiers.json preset' },
  frames: { type: 'int', min: RENDER_LIMITS.frames.min, max: RENDER_LIMITS.frames.max, description: 'frame count (default: the tier’s)' },
  steps: { type: 'int', min: RENDER_LIMITS.steps.min, max: RENDER_LIMITS.steps.max, description: 'denoising steps (default: the tier’s)' },
  model: { type: 'string', description: 'model pack id (default aiprod-nano)' },
  device: { type: 'enum', values: DEVICES, description: 'execution provider (default auto)' },
  'no-calibrate': { type: 'boolean', description: 'do not run the micro-benchmark when the pack is not calibrated here; give the first guess' },
  'packs-dir': { type: 'string', description: 'one more folder to look for model packs in' },
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = {
  command: 'estimate',
  usage: 'estimate --tier eco|standard|premium [--frames N] [--steps N] [--model ID] [--device auto|cuda|cpu] [--no-calibrate] [--json]',
  flags: FLAGS,
};

export interface EstimateOptions {
  tier: TierName;
  frames?: number;
  steps?: number;
  model?: string;
  device?: Device;
  /** Skip the micro-benchmark of an uncalibrated pack (the estimate then says source 'default'). */
  noCalibrate?: boolean;
  packsDir?: string;
}

export interface EstimateReport {
  estimate: ShotEstimate;
  device: EstimateDevice;
  fit: FitReport;
  accuracy: AccuracyStats;
  pricingFile: string;
  /** Whether this call ran the micro-benchmark. */
  calibratedNow: boolean;
}

/** The work of the command, without printing: usable by other hosts and by tests. */
export async function estimateCommand(options: EstimateOptions, io: CliIO): Promise<EstimateReport> {
  const platform = { env: io.env, platform: process.platform, homedir: os.homedir() };
  const home = aiprodHome(platform);
  const pricingFile = resolvePricingFile(home, configPath('pricing.json'));
  const pricing = loadPricing(pricingFile);
  const tiers = loadTiers();

  const extraDirs = options.packsDir === undefined ? [] : [path.resolve(io.cwd, options.packsDir)];
  const searchDirs = packSearchDirs(extraDirs, platform);
  // A pack pending training can still be estimated (from its files); it cannot be calibrated.
  const pack = await findPack(options.model ?? DEFAULT_MODEL_ID, searchDirs, { allowPending: true });
  const footprint = footprintOf(pack.manifest, pack.dir);
  const request = {
    tier: options.tier,
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    ...(options.frames === undefined ? {} : { frames: options.frames }),
  };
  // Bad frames for this pack fail here, before any minute is spent calibrating.
  resolveShot(footprint, tiers, request);
  const device = chooseDevice(options.device ?? 'auto', await gatherDeviceFacts());

  const db = openLibraryDatabase(libraryPaths(home).database, { domains: LIBRARY_DOMAINS });
  try {
    const store = new SqliteCalibrationStore(db);
    let calibration = usableCalibration(store.get(footprint.id, device.provider), footprint);
    let calibratedNow = false;
    if (calibration === undefined && footprint.trained && options.noCalibrate !== true) {
      note(io, `calibrating ${footprint.id} on ${device.provider} (first estimate here: a short benchmark of the real pipeline)`);
      const { pipelineRunner } = await import('../../engine/cost/pipeline-runner');
      const runner = await pipelineRunner(pack, device.provider, { signal: io.signal });
      calibration = await calibrate(store, footprint, device.provider, runner, {
        onRun: (index, total, s) => note(io, `  run ${index + 1}/${total}: ${s.steps} steps, ${s.frames} frames${s.upscale ? ', upscaled' : ''}`),
      });
      calibratedNow = true;
    }
    const estimate = estimateShot({ footprint, device, pricing, tiers, ...(calibration === undefined ? {} : { calibration }) }, request);
    return {
      estimate,
      device,
      fit: fitReport(estimate, device.freeMemoryBytes),
      accuracy: accuracyStats(store, { packId: footprint.id, provider: device.provider }),
      pricingFile,
      calibratedNow,
    };
  } finally {
    db.close();
  }
}

async function estimateCommandWithFlags(options: EstimateOptions, io: CliIO): Promise<EstimateReport> {
  try {
    return await estimateCommand(options, io);
  } catch (error) {
    throw withFlag(error);
  }
}

/** The --json object: the engine's estimate JSON (DESIGN.md §3 keys first, never renamed), plus accuracy and the pricing file. */
export function estimateJson(report: EstimateReport): Record<string, unknown> {
  return { ...estimateJsonOf(report.estimate, report.device, report.fit), accuracy: report.accuracy, pricingFile: report.pricingFile };
}

function humanText(report: EstimateReport): string {
  const { estimate: e, fit } = report;
  const b = e.breakdown;
  const memory = e.memoryKind === 'vram' ? 'VRAM' : 'RAM (CPU render: host memory, not VRAM)';
  const lines = [
    `${e.packId} tier ${e.tier}: ${e.steps} steps, ${e.frames} frames${e.upscale ? ', upscaled' : ''} on ${e.executionProvider} (${e.device})`,
    `  time    ${formatDuration(e.seconds * 1000)}  (pack ${formatDuration(b.packLoadMs)}, sessions ${formatDuration(b.sessionLoadMs)}, encode ${formatDuration(b.encodeMs)}, ` +
      `${e.steps} x ${b.perStepMs} ms/step + ${formatDuration(b.firstStepExtraMs)} first step, decode ${formatDuration(b.decodeMs)}${e.upscale ? `, upsample ${formatDuration(b.upsampleMs)}` : ''}, ` +
      `video ${formatDuration(b.videoEncodeMs)}, other ${formatDuration(b.fixedMs)})`,
    `  energy  ${(e.energyKWh * 1000).toFixed(3)} Wh  at ${e.power.gpuWatts + e.power.cpuWatts} W`,
    `  cost    ${e.cost.amount.toFixed(4)} ${e.cost.currency}`,
    `  memory  ${formatBytes(e.vramBytes)} ${memory}${fit.freeBytes === undefined ? '' : `, ${formatBytes(fit.freeBytes)} free`}`,
    `  calibration: ${b.calibration.source === 'measured' ? `measured (${b.calibration.runs} runs)` : 'first guess (not calibrated here)'}`,
  ];
  if (report.accuracy.medianAbsRelativeError !== undefined) {
    lines.push(`  accuracy so far: median error ${(100 * report.accuracy.medianAbsRelativeError).toFixed(1)} % over ${report.accuracy.pairs} renders`);
  }
  return `${lines.join('\n')}\n`;
}

/** Request fields of the engine's input errors, as the flags the user typed. */
const FLAG_OF_FIELD: Record<string, string> = { steps: '--steps', frames: '--frames', tier: '--tier', model: '--model', device: '--device', upscale: '--tier' };

/** Names the flag at fault in an input error that names a request field. */
function withFlag(error: unknown): unknown {
  if (!(error instanceof AiprodError) || error.kind !== 'input') return error;
  const field = error.detail?.field;
  const flag = typeof field === 'string' ? FLAG_OF_FIELD[field] : undefined;
  if (flag === undefined || error.message.includes(flag)) return error;
  return new AiprodError(error.code, `${error.message} (${flag})`, { kind: error.kind, ...(error.detail ? { detail: error.detail } : {}), cause: error });
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, syntax);
  const tier = requireFlag(syntax, 'tier', flags.tier);
  const report = await estimateCommandWithFlags(
    {
      tier,
      ...(flags.frames === undefined ? {} : { frames: flags.frames }),
      ...(flags.steps === undefined ? {} : { steps: flags.steps }),
      ...(flags.model === undefined ? {} : { model: flags.model }),
      ...(flags.device === undefined ? {} : { device: flags.device }),
      ...(flags['no-calibrate'] === true ? { noCalibrate: true } : {}),
      ...(flags['packs-dir'] === undefined ? {} : { packsDir: flags['packs-dir'] }),
    },
    io,
  );
  for (const warning of report.estimate.warnings) note(io, `warning: ${warning}`);
  if (!report.fit.fits && report.fit.message !== undefined) note(io, `warning: ${report.fit.message}`);
  if (flags.json === true) printJson(io, estimateJson(report));
  else io.stdout.write(humanText(report));
  return 0;
}
