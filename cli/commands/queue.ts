// `aiprod queue`: the persistent render queue (engine/jobs) from the command line.
//
//   queue add --prompt TEXT [render options] [--project DIR --shot ID]   adds one job
//   queue list                                                           jobs in queue order
//   queue run [--concurrency N] [--overlap auto|on|off]                  works the queue until it is empty
//   queue pause | resume                                                 holds / releases the queue
//   queue cancel ID | retry ID | move ID --to N                          one job
//
// Exit status of `queue run`: 0 when every job it ran is done, 1 when one failed (the others still
// ran), 2 when the queue is paused and nothing was run: after a crash the queue stays paused until
// `aiprod queue resume` (a person should look first), and a paused queue is a refused request, not
// failed work (docs/decisions.md).
import os from 'node:os';
import path from 'node:path';
import { inputError, workError } from '../../engine/errors';
import type { JobView, QueueStatus } from '../../engine/jobs/job-model';
import { openJobQueue, type OpenedQueue } from '../../engine/jobs/open-queue';
import { QueueRunner, type RunSummary } from '../../engine/jobs/queue-runner';
import { DEVICES } from '../../engine/render/request';
import { TIER_NAMES } from '../../engine/render/tiers';
import { aiprodHome, packSearchDirs } from '../../engine/system/paths';
import { parseArgs, requireFlag, usageError, type CommandSyntax, type FlagSpecs } from '../args';
import { formatProgress, note, printJson, type CliIO } from '../output';

const SUBCOMMANDS = ['add', 'list', 'run', 'pause', 'resume', 'cancel', 'retry', 'move'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const JSON_FLAG = { json: { type: 'boolean', description: 'print one JSON value on stdout' } } as const;

const ADD_FLAGS = {
  prompt: { type: 'string', description: 'what the shot shows' },
  negative: { type: 'string', description: 'what it should not show' },
  seed: { type: 'int', description: 'random seed (default: a random one, fixed at submit time)' },
  tier: { type: 'enum', values: TIER_NAMES, description: 'configs/tiers.json preset (default standard)' },
  steps: { type: 'int', description: 'denoising steps (default: the tier’s)' },
  frames: { type: 'int', description: 'frame count (default: the tier’s, fitted to the model)' },
  guidance: { type: 'number', description: 'classifier-free guidance scale (default: the tier’s)' },
  model: { type: 'string', description: 'model pack id (default aiprod-nano)' },
  device: { type: 'enum', values: DEVICES, description: 'execution provider (default auto)' },
  project: { type: 'string', description: 'project folder: the output goes to <project>/renders/<shot>/<job>.mp4' },
  shot: { type: 'string', description: 'shot id within the project' },
  ...JSON_FLAG,
} as const;

const RUN_FLAGS = {
  concurrency: { type: 'int', min: 1, max: 16, description: 'jobs denoising at the same time (default 1)' },
  overlap: { type: 'enum', values: ['auto', 'on', 'off'], description: 'start the next job while the previous one encodes (default auto: when CUDA is usable)' },
  'packs-dir': { type: 'string', description: 'one more folder to look for model packs in' },
  ...JSON_FLAG,
} as const;

const MOVE_FLAGS = { to: { type: 'int', min: 0, description: 'new place among the queued jobs (0 = next)' }, ...JSON_FLAG } as const;

const USAGE = 'queue add --prompt TEXT [render options] [--project DIR --shot ID] | list | run [--concurrency N] [--overlap auto|on|off] | pause | resume | cancel ID | retry ID | move ID --to N   [--json]';

export const syntax: CommandSyntax<typeof ADD_FLAGS & typeof RUN_FLAGS & typeof MOVE_FLAGS> = {
  command: 'queue',
  usage: USAGE,
  flags: { ...ADD_FLAGS, ...RUN_FLAGS, ...MOVE_FLAGS },
};

function sub<S extends FlagSpecs>(name: Subcommand, flags: S, positionals = 0): CommandSyntax<S> {
  return { command: `queue ${name}`, usage: USAGE, flags, positionals: { min: positionals, max: positionals } };
}

/** What `queue list --json` prints per job (DESIGN.md §3: id, state, prompt, output; more may follow). */
export function jobJson(job: JobView): Record<string, unknown> {
  return {
    id: job.id,
    state: job.state,
    prompt: job.prompt,
    output: job.output,
    record: job.record,
    position: job.position,
    attempts: job.attempts,
    error: job.error,
    progress: job.progress,
    cancelRequested: job.cancelRequested,
    projectId: job.projectId,
    projectDir: job.projectDir,
    shotId: job.shotId,
    seed: job.request.seed,
    model: job.request.model,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

function statusLine(status: QueueStatus): string {
  const c = status.counts;
  const counts = `${c.queued} queued, ${c.running} running, ${c.done} done, ${c.failed} failed, ${c.cancelled} cancelled`;
  const paused = status.paused ? (status.pausedReason === 'unclean-shutdown' ? 'PAUSED after an unclean shutdown' : 'PAUSED') : 'active';
  const runner = status.runnerPid === null ? '' : `, worked by pid ${status.runnerPid}`;
  return `queue ${paused}${runner}: ${counts}`;
}

function platformOf(io: CliIO) {
  return { env: io.env, platform: process.platform, homedir: os.homedir() };
}

async function withQueue<T>(io: CliIO, work: (queue: OpenedQueue) => Promise<T> | T): Promise<T> {
  const queue = await openJobQueue({ home: aiprodHome(platformOf(io)) });
  for (const notice of queue.notices) note(io, `note: ${notice}`);
  try {
    return await work(queue);
  } finally {
    queue.close();
  }
}

async function add(argv: readonly string[], io: CliIO): Promise<number> {
  const s = sub('add', ADD_FLAGS);
  const { flags } = parseArgs(argv, s);
  const prompt = requireFlag(s, 'prompt', flags.prompt);
  if (flags.project !== undefined && flags.shot === undefined) throw usageError(s, '--project needs --shot (the shot its renders go under)', { flag: '--shot' });
  const request: Record<string, unknown> = {
    prompt,
    ...(flags.negative === undefined ? {} : { negativePrompt: flags.negative }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.tier === undefined ? {} : { tier: flags.tier }),
    ...(flags.steps === undefined ? {} : { steps: flags.steps }),
    ...(flags.frames === undefined ? {} : { frames: flags.frames }),
    ...(flags.guidance === undefined ? {} : { guidance: flags.guidance }),
    ...(flags.model === undefined ? {} : { model: flags.model }),
    ...(flags.device === undefined ? {} : { device: flags.device }),
  };
  const job = await withQueue(io, ({ store }) =>
    store.submit({
      request,
      ...(flags.project === undefined ? {} : { projectDir: path.resolve(io.cwd, flags.project) }),
      ...(flags.shot === undefined ? {} : { shotId: flags.shot }),
    }),
  );
  if (flags.json === true) printJson(io, jobJson(job));
  else io.stdout.write(`${job.id}\n  queued at place ${job.position}, seed ${job.request.seed}\n  output ${job.output}\n`);
  return 0;
}

async function list(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, sub('list', JSON_FLAG));
  const { jobs, status } = await withQueue(io, ({ store }) => ({ jobs: store.list(), status: store.status() }));
  if (flags.json === true) {
    if (status.paused) note(io, statusLine(status));
    printJson(io, jobs.map(jobJson));
    return 0;
  }
  io.stdout.write(`${statusLine(status)}\n`);
  for (const job of jobs) {
    const detail = job.state === 'failed' || job.state === 'cancelled' ? `  ${job.error?.message ?? ''} [${job.error?.code ?? '?'}]` : job.state === 'running' && job.progress !== null ? `  ${formatProgress({ stage: job.progress.stage, step: job.progress.step, totalSteps: job.progress.total })}` : '';
    io.stdout.write(`${job.id}  ${job.state.padEnd(9)}  ${JSON.stringify(job.prompt)}  ${job.output}${detail}\n`);
  }
  return 0;
}

async function setPaused(name: 'pause' | 'resume', argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, sub(name, JSON_FLAG));
  const status = await withQueue(io, ({ store }) => (name === 'pause' ? store.pause('user') : store.resume()));
  if (flags.json === true) printJson(io, status);
  else io.stdout.write(`${statusLine(status)}\n`);
  return 0;
}

async function oneJob(name: 'cancel' | 'retry', argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseArgs(argv, sub(name, JSON_FLAG, 1));
  const id = positionals[0] as string;
  const job = await withQueue(io, ({ store }) => (name === 'cancel' ? store.cancel(id) : store.retry(id)));
  if (flags.json === true) printJson(io, jobJson(job));
  else if (name === 'cancel') io.stdout.write(job.state === 'running' ? `${job.id}: cancel requested; its runner stops it\n` : `${job.id}: cancelled\n`);
  else io.stdout.write(`${job.id}: queued again at place ${job.position}\n`);
  return 0;
}

async function move(argv: readonly string[], io: CliIO): Promise<number> {
  const s = sub('move', MOVE_FLAGS, 1);
  const { flags, positionals } = parseArgs(argv, s);
  const to = requireFlag(s, 'to', flags.to);
  const queued = await withQueue(io, ({ store }) => store.reorder(positionals[0] as string, to));
  if (flags.json === true) printJson(io, queued.map(jobJson));
  else for (const job of queued) io.stdout.write(`${job.id}  ${JSON.stringify(job.prompt)}\n`);
  return 0;
}

/** Per-job progress lines on stderr; results stay on stdout. */
function followProgress(queue: OpenedQueue, io: CliIO): () => void {
  const lastStage = new Map<string, string>();
  return queue.store.events.on((event) => {
    if (event.type === 'job') {
      const { job } = event;
      if (job.state === 'running' && !job.cancelRequested) note(io, `${job.id}: started (attempt ${job.attempts}) ${JSON.stringify(job.prompt)}`);
      else if (job.state === 'done') note(io, `${job.id}: done -> ${job.output}`);
      else if (job.state === 'failed' || job.state === 'cancelled') note(io, `${job.id}: ${job.state}: ${job.error?.message ?? ''} [${job.error?.code ?? '?'}]`);
      else if (job.state === 'queued' && job.attempts > 0) note(io, `${job.id}: back in the queue`);
    } else if (event.type === 'progress') {
      // One line per stage when it ends: short enough for logs, enough to see it move.
      const key = `${event.stage}`;
      if (event.total > 0 && event.step >= event.total && lastStage.get(event.jobId) !== key) {
        lastStage.set(event.jobId, key);
        note(io, `${event.jobId}: ${formatProgress({ stage: event.stage, step: event.step, totalSteps: event.total })}`);
      }
    }
  });
}

async function runQueue(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, sub('run', RUN_FLAGS));
  const extraDirs = flags['packs-dir'] === undefined ? [] : [path.resolve(io.cwd, flags['packs-dir'])];
  return withQueue(io, async (queue) => {
    const runner = new QueueRunner({
      store: queue.store,
      mode: 'until-empty',
      packSearchDirs: packSearchDirs(extraDirs, platformOf(io)),
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      overlap: flags.overlap === undefined || flags.overlap === 'auto' ? 'auto' : flags.overlap === 'on',
      onWarning: (message) => note(io, `warning: ${message}`),
    });
    const stopFollowing = followProgress(queue, io);
    const onInterrupt = () => void runner.stop();
    io.signal.addEventListener('abort', onInterrupt, { once: true });
    let summary: RunSummary;
    try {
      summary = await runner.start();
    } finally {
      io.signal.removeEventListener('abort', onInterrupt);
      stopFollowing();
    }
    const status = queue.store.status();
    if (flags.json === true) {
      const ids = new Set([...summary.done, ...summary.failed, ...summary.cancelled, ...summary.requeued]);
      printJson(io, { ...summary, overlap: runner.overlapping, status, jobs: [...ids].map((id) => jobJson(queue.store.get(id))) });
    } else {
      io.stdout.write(`${summary.done.length} done, ${summary.failed.length} failed, ${summary.cancelled.length} cancelled\n${statusLine(status)}\n`);
    }
    if (summary.stoppedBecause === 'stopped') {
      throw workError('QUEUE_INTERRUPTED', `stopped by the user${summary.requeued.length > 0 ? `; back in the queue: ${summary.requeued.join(', ')}` : ''}`);
    }
    if (summary.stoppedBecause === 'paused') note(io, `the queue was paused while it ran; ${status.counts.queued} job(s) wait for \`aiprod queue resume\``);
    return summary.failed.length > 0 ? 1 : 0;
  });
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) throw usageError(syntax, 'missing subcommand');
  if (!(SUBCOMMANDS as readonly string[]).includes(name)) throw usageError(syntax, `unknown subcommand ${JSON.stringify(name)}`, { flag: name });
  switch (name as Subcommand) {
    case 'add':
      return add(rest, io);
    case 'list':
      return list(rest, io);
    case 'run':
      return runQueue(rest, io);
    case 'pause':
    case 'resume':
      return setPaused(name as 'pause' | 'resume', rest, io);
    case 'cancel':
    case 'retry':
      return oneJob(name as 'cancel' | 'retry', rest, io);
    case 'move':
      return move(rest, io);
  }
  throw inputError('USAGE', `unknown subcommand ${name}`);
}
