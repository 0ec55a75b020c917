import { describe, expect, it } from 'vitest';
import type { JobDto } from '../../../../electron/common/channels/jobs';
import { lastRenderOf } from '../../../../renderer/src/features/queue/ProjectQueuePanel';

function job(over: Partial<JobDto>): JobDto {
  return {
    id: 'j1', position: 0, state: 'done', prompt: 'p',
    request: { prompt: 'p', seed: 1, tier: 'eco', model: 'aiprod-nano', device: 'cpu' },
    output: '/p/proj/renders/s1/j1.mp4', record: '/p/proj/renders/s1/j1.json',
    projectId: null, projectDir: '/p/proj', shotId: 's1', attempts: 1, error: null,
    createdAt: '', startedAt: null, finishedAt: null, progress: null, cancelRequested: false,
    ...over,
  } as JobDto;
}

describe('lastRenderOf', () => {
  it('turns a finished job of the open project into the shot render, relative to the project', () => {
    expect(lastRenderOf(job({}), '/p/proj')).toEqual({ shotId: 's1', render: { jobId: 'j1', output: 'renders/s1/j1.mp4' } });
  });

  it('ignores unfinished jobs, other projects and outputs outside the folder', () => {
    expect(lastRenderOf(job({ state: 'running' }), '/p/proj')).toBeNull();
    expect(lastRenderOf(job({ projectDir: '/p/other' }), '/p/proj')).toBeNull();
    expect(lastRenderOf(job({ output: '/elsewhere/j1.mp4' }), '/p/proj')).toBeNull();
    expect(lastRenderOf(job({ shotId: null }), '/p/proj')).toBeNull();
  });
});
