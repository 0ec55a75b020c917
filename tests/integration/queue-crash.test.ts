// `aiprod queue run` killed with SIGKILL, for real: in the middle of a render, and at exact points
// of its state writes (AIPROD_TEST_PAUSE_AT makes the runner stop there, inside the open
// transaction where there is one). The next start must find every job back, the queue paused until
// `queue resume`, and after the rest of the run every job done exactly once: one video and one
// record per job, no temporary file anywhere.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles, cliEnv, scratchDir } from './cli-helpers';
import { addJob, filesIn, jobById, listJobs, queueCli, readRecord, RunnerProcess } from './queue-helpers';

const dir = scratchDir('queue-crash');
let homes = 0;

beforeAll(() => buildBundles());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function freshHome(): { env: NodeJS.ProcessEnv; renders: string } {
  const home = path.join(dir, `home-${++homes}`);
  return { env: cliEnv(home), renders: path.join(home, 'renders') };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The run after the crash: refused while paused, then resumed and worked to the end. */
async function resumeAndFinish(env: NodeJS.ProcessEnv): Promise<void> {
  const refused = await queueCli(['run'], env);
  expect(refused.status).toBe(2);
  const lines = refused.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('note:'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/paused because its last runner stopped without shutting down.*aiprod queue resume.*\[QUEUE_PAUSED\]/);

  const resumed = await queueCli(['resume'], env);
  expect(resumed.status).toBe(0);
  const runner = new RunnerProcess(env);
  const { code } = await runner.exited;
  expect(code, runner.stderr).toBe(0);
}

/** Every job done, one video and one record each (hash checked), and nothing else in the folder. */
async function expectEachDoneOnce(env: NodeJS.ProcessEnv, renders: string, ids: readonly string[]): Promise<void> {
  const { jobs } = await listJobs(env);
  expect(jobs.map((j) => [j.id, j.state])).toEqual(ids.map((id) => [id, 'done']));
  expect(filesIn(renders)).toEqual(ids.flatMap((id) => [`${id}.json`, `${id}.mp4`]).sort());
  for (const id of ids) {
    const job = jobById(jobs, id);
    expect(readRecord(job.record).outputSha256).toBe(sha256(job.output));
  }
}

describe('queue run killed during a render', () => {
  it('finds the job back in the queue, paused; after resume every job is done exactly once', async () => {
    const { env, renders } = freshHome();
    // The first job denoises for 200 steps: long enough to be killed in the middle of it.
    const slow = await addJob(env, 'a slow red ball', { steps: '200', frames: '8' });
    const others = [await addJob(env, 'a blue cube'), await addJob(env, 'a green cone')];

    // With overlap on, so the kill may also meet a second job started while the first one encodes.
    const runner = new RunnerProcess(env, ['--overlap', 'on']);
    await runner.waitFor(new RegExp(`${slow}: encode  1/1`));
    await runner.kill();
    // Killed mid-render: no video had been written yet.
    expect(filesIn(renders).filter((f) => f.endsWith('.mp4'))).toEqual([]);

    const { jobs, run } = await listJobs(env);
    expect(jobById(jobs, slow)).toMatchObject({ state: 'queued', attempts: 1 });
    for (const id of others) expect(jobById(jobs, id)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(run.stderr).toMatch(/stopped without shutting down; put back in the queue: job-/);

    await resumeAndFinish(env);
    await expectEachDoneOnce(env, renders, [slow, ...others]);
    const { jobs: final } = await listJobs(env);
    expect(jobById(final, slow).attempts).toBe(2);
    for (const id of others) expect(jobById(final, id).attempts).toBe(1);
  });
});

describe('queue run killed at an exact point of a state write', () => {
  it.each([
    // Inside the claim transaction: it rolls back, the job never started.
    { point: 'claim-commit', stateAfterKill: 'queued', attemptsAfterKill: 0, finalAttempts: 1 },
    // The claim committed, no worker asked yet: the lost run counts.
    { point: 'claimed', stateAfterKill: 'queued', attemptsAfterKill: 1, finalAttempts: 2 },
    // Video and record were renamed into place, the job not yet marked done: it is adopted, not rendered again.
    { point: 'rendered', stateAfterKill: 'done', attemptsAfterKill: 1, finalAttempts: 1 },
    // Inside the "done" transaction: it rolls back, and the files on disk prove the render finished.
    { point: 'done-commit', stateAfterKill: 'done', attemptsAfterKill: 1, finalAttempts: 1 },
  ])('$point: the job is $stateAfterKill after the restart and done exactly once in the end', async ({ point, stateAfterKill, attemptsAfterKill, finalAttempts }) => {
    const { env, renders } = freshHome();
    const first = await addJob(env, 'a red ball');
    const second = await addJob(env, 'a blue cube');

    // Without overlap, so that the second job is certainly not started when the first one stops.
    const runner = new RunnerProcess({ ...env, AIPROD_TEST_PAUSE_AT: point }, ['--overlap', 'off']);
    const [, pausedJob] = (await runner.waitFor(/aiprod-test: paused at \S+ job=(\S+)/)) as [string, string];
    expect(pausedJob).toBe(first);
    const onDiskAtKill = filesIn(renders).filter((f) => f.endsWith('.mp4')).map((f) => sha256(path.join(renders, f)));
    await runner.kill();

    const { jobs, run } = await listJobs(env);
    expect(jobById(jobs, first)).toMatchObject({ state: stateAfterKill, attempts: attemptsAfterKill });
    expect(jobById(jobs, second)).toMatchObject({ state: 'queued', attempts: 0 });
    expect(run.stderr).toMatch(stateAfterKill === 'done' ? /found finished on disk and marked done: job-/ : /stopped without shutting down/);

    await resumeAndFinish(env);
    await expectEachDoneOnce(env, renders, [first, second]);
    const { jobs: final } = await listJobs(env);
    expect(jobById(final, first).attempts).toBe(finalAttempts);
    if (stateAfterKill === 'done') {
      // The video that was on disk at the kill is the one kept: it was not rendered a second time.
      expect(onDiskAtKill).toEqual([sha256(jobById(final, first).output)]);
    }
  });

  it('failed-commit: a failure interrupted in its transaction runs again, fails again, and the queue goes on', async () => {
    const { env, renders } = freshHome();
    const bad = await addJob(env, 'a ball of an unknown model', { model: 'no-such-model' });
    const good = await addJob(env, 'a blue cube');

    const runner = new RunnerProcess({ ...env, AIPROD_TEST_PAUSE_AT: 'failed-commit' }, ['--overlap', 'off']);
    await runner.waitFor(new RegExp(`paused at failed-commit job=${bad}`));
    await runner.kill();

    const { jobs } = await listJobs(env);
    expect(jobById(jobs, bad)).toMatchObject({ state: 'queued', attempts: 1, error: null });

    await queueCli(['resume'], env);
    const second = new RunnerProcess(env);
    const { code } = await second.exited;
    expect(code).toBe(1);
    const { jobs: final } = await listJobs(env);
    expect(jobById(final, bad)).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'PACK_NOT_FOUND' } });
    expect(jobById(final, good)).toMatchObject({ state: 'done', attempts: 1 });
    expect(filesIn(renders)).toEqual([`${good}.json`, `${good}.mp4`]);
  });
});

describe('a second runner while one is alive', () => {
  it('is refused with QUEUE_BUSY; a cancel asked meanwhile is honoured by the recovery after a kill', async () => {
    const { env, renders } = freshHome();
    const first = await addJob(env, 'a red ball');
    const second = await addJob(env, 'a blue cube');
    // The first runner stops right after claiming the first job (outside any transaction) and stays alive.
    const alive = new RunnerProcess({ ...env, AIPROD_TEST_PAUSE_AT: 'claimed' }, ['--overlap', 'off']);
    await alive.waitFor(new RegExp(`paused at claimed job=${first}`));

    const busy = await queueCli(['run'], env);
    expect(busy.status).toBe(1);
    expect(busy.stderr.trim()).toMatch(new RegExp(`the queue is already being worked by process ${alive.child.pid ?? -1} .*\\[QUEUE_BUSY\\]$`));
    const cancel = await queueCli(['cancel', first], env);
    expect(cancel.stdout).toContain(`${first}: cancel requested`);

    await alive.kill();
    const { jobs, run } = await listJobs(env);
    expect(jobById(jobs, first)).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
    expect(jobById(jobs, second).state).toBe('queued');
    expect(run.stderr).toMatch(/cancelled as asked: job-/);
    await resumeAndFinish(env);
    expect(filesIn(renders)).toEqual([`${second}.json`, `${second}.mp4`]);
  });
});
