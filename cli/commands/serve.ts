// `aiprod serve`: the headless studio host on 127.0.0.1, until Ctrl+C.
import { startHost } from '../../electron/host';
import { parseArgs, type CommandSyntax } from '../args';
import { note, type CliIO } from '../output';

const FLAGS = {
  port: { type: 'int', min: 0, max: 65535, description: 'port on 127.0.0.1 (default 0: any free port)' },
} as const;

export const syntax: CommandSyntax<typeof FLAGS> = { command: 'serve', usage: 'serve [--port N]', flags: FLAGS };

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseArgs(argv, syntax);
  const host = await startHost({ port: flags.port ?? 0 });
  // The URL carries the per-run token: it is the way in, so it goes on stdout for scripts to read.
  io.stdout.write(`${host.url}\n`);
  note(io, `AIPROD Studio host listening on 127.0.0.1:${host.port}; open the URL above (it includes this run's token). Ctrl+C stops it.`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await host.close();
  return 0;
}
