// Test-only hooks of the queue, inert unless their environment variable is set. Crash tests need to
// kill a runner at an exact point (inside a state write, between a finished render and its
// bookkeeping); a sleep-and-hope kill would test a random point instead.
//
//   AIPROD_TEST_PAUSE_AT=<point>   when the runner reaches <point> it writes
//                                  "aiprod-test: paused at <point> job=<id>" on stderr and then
//                                  blocks its whole thread (inside an open transaction, if it is
//                                  in one) until the process is killed.
//
// Points: see PAUSE_POINTS. Blocking is synchronous (Atomics.wait), so nothing else of the process
// runs meanwhile: no timer, no IPC message, no commit.

export const PAUSE_POINTS = [
  /** Inside the claim transaction: the job row says running, not yet committed. */
  'claim-commit',
  /** The claim committed; no worker has been asked to render yet. */
  'claimed',
  /** The render finished (video and record renamed into place); the job is not yet marked done. */
  'rendered',
  /** Inside the "done" transaction: the row says done, not yet committed. */
  'done-commit',
  /** Inside the "failed" transaction: the row says failed, not yet committed. */
  'failed-commit',
] as const;
export type PausePoint = (typeof PAUSE_POINTS)[number];

const ENV = 'AIPROD_TEST_PAUSE_AT';

export function pauseAt(point: PausePoint, jobId: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env[ENV] !== point) return;
  process.stderr.write(`aiprod-test: paused at ${point} job=${jobId}\n`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0, 60_000);
}
