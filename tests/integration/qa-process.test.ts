// The QA process client against processes that misbehave: one that dies before answering, one that
// breaks the protocol. Real child processes (child_process.fork of small scripts in place of
// dist/node/qa-worker.js); the caller must get one clear error and no temporary folder may remain.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forkQaLauncher, QaProcessClient } from '../../engine/qa/qa-process-client';
import { scratchDir } from './cli-helpers';

const dir = scratchDir('qa-process');
const temp = path.join(dir, 'temp');
mkdirSync(temp);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
}

describe('the QA process client', () => {
  it('fails a run whose process dies before answering, naming the exit, and removes the scratch folder', async () => {
    // Reads the job (so the scratch folder exists), then dies as a native crash would leave it.
    const dies = script('dies.mjs', "process.on('message', () => process.exit(3));\nprocess.send({ type: 'ready', protocol: 1, pid: process.pid });\n");
    const client = new QaProcessClient({ launcher: forkQaLauncher(dies), tempDir: temp });
    await expect(client.rerender({ record: path.join(dir, 'any.json'), packSearchDirs: [] })).rejects.toMatchObject({
      code: 'QA_PROCESS_CRASHED',
      kind: 'work',
      message: expect.stringMatching(/the QA process \(pid \d+\) exited with code 3 before it answered/),
    });
    expect(readdirSync(temp)).toEqual([]);
  });

  it('fails a run whose process sends what the protocol does not know, and stops that process', async () => {
    const rogue = script('rogue.mjs', "process.on('message', () => process.send({ type: 'surprise' }));\nsetInterval(() => undefined, 1000);\n");
    const client = new QaProcessClient({ launcher: forkQaLauncher(rogue), tempDir: temp });
    await expect(client.analyse({ video: path.join(dir, 'any.mp4'), packSearchDirs: [] })).rejects.toMatchObject({
      code: 'QA_PROTOCOL',
      message: expect.stringContaining('the QA process sent an invalid message'),
    });
  });

  it('refuses a run cancelled before it started, without starting a process', async () => {
    const never = script('never.mjs', "throw new Error('must not start');\n");
    let launches = 0;
    const counting = { launch: () => (launches++, forkQaLauncher(never).launch()) };
    const client = new QaProcessClient({ launcher: counting, tempDir: temp });
    const controller = new AbortController();
    controller.abort();
    await expect(client.analyse({ video: '/x.mp4', packSearchDirs: [] }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    await expect(client.rerender({ record: '/x.json', packSearchDirs: [] }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(launches).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});
