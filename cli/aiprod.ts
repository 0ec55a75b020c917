// The `aiprod` command (DESIGN.md §3): the entry of dist/node/aiprod.js and the dispatcher.
//
// Adding a command: write cli/commands/<name>.ts exporting
//
//   export const syntax: CommandSyntax<...>   // from cli/args.ts: { command, usage, flags }
//   export async function run(argv: readonly string[], io: CliIO): Promise<number>
//
// and add one line to COMMANDS below. `argv` is what follows the command name; `io` (cli/output.ts)
// holds stdout, stderr, env, cwd and an AbortSignal fired on Ctrl+C. Return the exit status (0) or
// throw: an AiprodError of kind 'input' exits 2, anything else exits 1, and the dispatcher prints the
// one error line on stderr. With --json, write exactly one JSON value to stdout (printJson) and
// everything else (progress, notes) to stderr.
import path from 'node:path';
import { installNetworkGuard } from '../engine/net';
import type { CliIO } from './output';
import { errorLine, exitCodeFor } from './output';
import { usageError } from './args';

export interface CommandModule {
  syntax?: { command: string; usage: string; flags?: Record<string, { description?: string }> };
  run(argv: readonly string[], io: CliIO): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

/** Loaded on demand, so `aiprod doctor` does not pay for the host or the queue. */
export const COMMANDS: Record<string, CommandEntry> = {
  render: { summary: 'render one shot to an MP4 and its reproducibility record', load: () => import('./commands/render') },
  doctor: { summary: 'check execution providers, GPU, ffmpeg, model packs and the network guard', load: () => import('./commands/doctor') },
  serve: { summary: 'start the headless studio host on 127.0.0.1', load: () => import('./commands/serve') },
  qa: { summary: 'quality of a video: PSNR/SSIM against a reference, temporal stability', load: () => import('./commands/qa') },
  models: { summary: 'import, list and verify model packs', load: () => import('./commands/models') },
  estimate: { summary: 'time, energy, money and peak memory of a shot, before rendering it', load: () => import('./commands/estimate') },
  queue: { summary: 'the persistent render queue: add, list, run, pause, resume, cancel', load: () => import('./commands/queue') },
  report: { summary: 'the sovereignty report: models, licences, network, reproducibility, packaging, scores', load: () => import('./commands/report') },
};

const MAIN_SYNTAX = { command: '', usage: `<command> [options], where <command> is one of ${Object.keys(COMMANDS).join(', ')}` };

function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `usage: aiprod <command> [options]\n\ncommands:\n${lines.join('\n')}\n\naiprod <command> --help shows a command's options.\n`;
}

function commandHelp(name: string, command: CommandModule): string {
  const flags = Object.entries(command.syntax?.flags ?? {});
  const width = Math.max(0, ...flags.map(([flag]) => flag.length));
  const described = flags.filter(([, spec]) => spec.description !== undefined).map(([flag, spec]) => `  --${flag.padEnd(width)}  ${spec.description}`);
  return `usage: aiprod ${command.syntax?.usage ?? name}\n${described.length > 0 ? `\n${described.join('\n')}\n` : ''}`;
}

/** Runs one command line; returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      (name === undefined ? io.stderr : io.stdout).write(helpText());
      return name === undefined ? 2 : 0;
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (entry === undefined) throw usageError(MAIN_SYNTAX, `unknown command ${JSON.stringify(name)}`, { flag: name });
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(commandHelp(name, command));
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`${errorLine(name !== undefined && Object.hasOwn(COMMANDS, name) ? name : undefined, error)}\n`);
    return exitCodeFor(error);
  }
}

/** The real process: Ctrl+C aborts the running command; a second Ctrl+C exits at once. */
async function runAsProgram(): Promise<void> {
  installNetworkGuard({ label: 'cli' });
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\naiprod: ${signal} received, stopping (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  // A closed stdout (e.g. piped into `head`) must not turn into a crash trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal };
  const status = await main(process.argv.slice(2), io);
  process.off('SIGINT', onInterrupt);
  process.off('SIGTERM', onInterrupt);
  process.exitCode = status;
}

// Run only as the program (bin/aiprod.mjs, the bundle, or `tsx cli/aiprod.ts`), not when a test imports main().
const invokedAs = path.basename(process.argv[1] ?? '');
if (/^aiprod(\.(m?js|ts))?$/.test(invokedAs)) await runAsProgram();
