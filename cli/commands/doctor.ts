// `aiprod doctor`: can this machine render, and on what? Execution providers (with the reason CUDA
// is not usable), GPU, ffmpeg, model packs, versions and the network guard. Exit 0 when a render
// can run (ffmpeg found and at least one renderable pack), 1 otherwise; the report is printed both ways.
import path from 'node:path';
import { isAiprodError } from '../../engine/errors';
import { ffmpegInfo } from '../../engine/media/ffmpeg-locate';
import { ModelLibrary } from '../../engine/models/model-library';
import { networkGuardStats } from '../../engine/net';
import { probeCuda } from '../../engine/runtime/cuda-probe';
import { gpuFacts } from '../../engine/system/gpu';
import { packInventory } from '../../engine/system/pack-inventory';
import { aiprodHome, packSearchDirs } from '../../engine/system/paths';
import { runtimeVersions } from '../../engine/system/versions';
import { parseArgs, type CommandSyntax } from '../args';
import { printJson, type CliIO } from '../output';

const FLAGS = {
  json: { type: 'boolean', description: 'print one JSON object on stdout' },
  'packs-dir': { type: 'string', description: 'one more folder to look for model packs in' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = { command: 'doctor', usage: 'doctor [--json]', flags: FLAGS };

type FfmpegReport = { found: true; path: string; version: string; source: string; ffprobePath: string | null } | { found: false; path: null; problem: string };

async function ffmpegReport(): Promise<FfmpegReport> {
  try {
    const info = await ffmpegInfo();
    return { found: true, path: info.path, version: info.version, source: info.source, ffprobePath: info.ffprobePath };
  } catch (error) {
    return { found: false, path: null, problem: isAiprodError(error) || error instanceof Error ? error.message : String(error) };
  }
}

/** The model registry's packs with their status (the cheap size-and-mtime check, no hashing). */
async function registryReport() {
  try {
    const library = await ModelLibrary.open();
    try {
      const packs = (await library.list()).map((p) => ({ id: p.id, name: p.name, version: p.version, status: p.status, verified: p.verified, renderable: p.renderable, source: p.source, path: p.path, problem: p.problem }));
      return { database: library.paths.database, packs, warnings: [...library.warnings], error: null };
    } finally {
      library.close();
    }
  } catch (error) {
    return { database: null, packs: [], warnings: [], error: error instanceof Error ? error.message : String(error) };
  }
}

export async function buildDoctorReport(extraPackDirs: readonly string[] = []) {
  const searchDirs = packSearchDirs(extraPackDirs);
  const [cuda, gpu, ffmpeg, models, registry] = await Promise.all([probeCuda(), gpuFacts(), ffmpegReport(), packInventory(searchDirs), registryReport()]);
  const versions = runtimeVersions();
  const { installed, label, attempts, blocked, since } = networkGuardStats();
  const guard = { installed, label, attempts, blocked, since };
  const problems: string[] = [];
  if (!ffmpeg.found) problems.push(ffmpeg.problem);
  if (!models.some((m) => m.renderable)) problems.push(`no renderable model pack in ${searchDirs.join(', ')}`);
  return {
    ok: problems.length === 0,
    problems,
    executionProviders: {
      cpu: { available: true },
      cuda: {
        available: cuda.available,
        reason: cuda.available ? null : (cuda.reason ?? 'unknown'),
        libraryDir: cuda.libraryDir,
        missingProviderFiles: cuda.missingProviderFiles,
        missingLibraries: cuda.missingLibraries,
        gpuDevices: cuda.gpuDevices,
      },
    },
    gpu,
    ffmpeg,
    models,
    registry,
    packSearchDirs: searchDirs,
    aiprodHome: aiprodHome(),
    engine: versions.engine,
    node: versions.node,
    onnxruntime: versions.onnxruntime,
    platform: versions.platform,
    networkGuard: guard,
  };
}

export type DoctorReport = Awaited<ReturnType<typeof buildDoctorReport>>;

function mark(ok: boolean): string {
  return ok ? 'ok  ' : 'no  ';
}

function humanReport(report: DoctorReport): string {
  const cuda = report.executionProviders.cuda;
  const lines = [
    `AIPROD Studio ${report.engine}  (node ${report.node}, onnxruntime-node ${report.onnxruntime}, ${report.platform})`,
    `${mark(true)}cpu execution provider`,
    `${mark(cuda.available)}cuda execution provider${cuda.available ? '' : `: ${cuda.reason}`}`,
    report.gpu.available
      ? `${mark(true)}gpu: ${report.gpu.devices.map((d) => `${d.name} (${Math.round(d.memoryTotalMiB / 1024)} GiB, driver ${d.driverVersion})`).join('; ')}`
      : `${mark(false)}gpu: ${report.gpu.reason ?? 'none'}`,
    report.ffmpeg.found ? `${mark(true)}ffmpeg ${report.ffmpeg.version} at ${report.ffmpeg.path}` : `${mark(false)}ffmpeg: ${report.ffmpeg.problem}`,
    `     model packs (searched ${report.packSearchDirs.join(', ')}):`,
    ...(report.models.length === 0 ? ['       none found'] : report.models.map((m) => `       ${mark(m.renderable)}${m.id} ${m.version} [${m.status}] ${m.dir}${m.problem ? `: ${m.problem}` : ''}`)),
    `     library: ${report.aiprodHome}`,
    report.registry.error !== null
      ? `${mark(false)}model registry: ${report.registry.error}`
      : `     model registry (${report.registry.database}):`,
    ...(report.registry.error === null && report.registry.packs.length === 0 ? ['       no packs registered'] : []),
    ...report.registry.packs.map(
      (p) => `       ${mark(p.renderable && p.status === 'ok')}${p.id} ${p.version} [${p.status}${p.status === 'ok' ? (p.verified ? ', verified' : ', not verified yet') : ''}] ${p.source}${p.problem ? `: ${p.problem}` : ''}`,
    ),
    ...report.registry.warnings.map((w) => `       warning: ${w}`),
    report.networkGuard.installed
      ? `${mark(true)}network guard: only loopback allowed (${report.networkGuard.blocked} blocked so far)`
      : `${mark(false)}network guard: not installed in this process`,
  ];
  if (report.problems.length > 0) lines.push('', `problems: ${report.problems.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, syntax);
  const report = await buildDoctorReport(flags['packs-dir'] === undefined ? [] : [path.resolve(io.cwd, flags['packs-dir'])]);
  if (flags.json === true) printJson(io, report);
  else io.stdout.write(humanReport(report));
  return report.ok ? 0 : 1;
}
