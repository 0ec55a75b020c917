import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qaReportJson } from '../../../../engine/qa/qa-documents';
import { qaFileFor, readQaFile, saveAnalysis, updateQaFile } from '../../../../engine/qa/qa-file';
import { computeQa } from '../../../../engine/qa/report';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'aiprod-qa-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real report of two identical 16x16 videos of 2 frames: PSNR is Infinity. */
function identicalReport() {
  const frames = new Uint8Array(2 * 256).map((_, i) => (i * 7) % 256);
  return computeQa({ frames, frameCount: 2, width: 16, height: 16, file: 'a.mp4' }, { frames: frames.slice(), frameCount: 2, width: 16, height: 16, file: 'b.mp4' });
}

describe('the QA file of a render', () => {
  it('sits next to the video and the record as <job>.qa.json', () => {
    expect(qaFileFor('/p/renders/s1/job-1.mp4')).toBe('/p/renders/s1/job-1.qa.json');
    expect(qaFileFor('/p/renders/s1/job-1.json')).toBe('/p/renders/s1/job-1.qa.json');
    expect(qaFileFor('/p/renders/s1/job-1.qa.json')).toBe('/p/renders/s1/job-1.qa.json');
  });

  it('is absent until something is stored', async () => {
    expect(await readQaFile(path.join(dir, 'none.mp4'))).toBeNull();
  });

  it('stores an analysis with PSNR "inf" and reads it back', async () => {
    const video = path.join(dir, 'job-a.mp4');
    const report = identicalReport();
    expect(report.psnr).toBe(Infinity);
    await saveAnalysis(video, { at: '2026-11-23T12:00:00.000Z', report: qaReportJson(report) });
    const text = await readFile(path.join(dir, 'job-a.qa.json'), 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'aiprod-qa/1', video: 'job-a.mp4', analysis: { report: { psnr: 'inf', frames: 2 } }, rerender: null });
    const back = await readQaFile(video);
    expect(back?.analysis?.report.perFrame.map((f) => f.psnr)).toEqual(['inf', 'inf']);
  });

  it('keeps both of two updates that finish together, and leaves no temporary file', async () => {
    const video = path.join(dir, 'job-b.mp4');
    const report = qaReportJson(identicalReport());
    const updates = Array.from({ length: 6 }, (_, i) => updateQaFile(video, (current) => ({ ...current, analysis: { at: `2026-11-23T12:00:0${i}.000Z`, report: { ...report, frames: current.analysis === null ? 1 : current.analysis.report.frames + 1 } } })));
    await Promise.all(updates);
    const stored = await readQaFile(video);
    // Each update saw the one before: six increments, none lost.
    expect(stored?.analysis?.report.frames).toBe(6);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a damaged file with one error naming it and the field', async () => {
    const video = path.join(dir, 'job-c.mp4');
    await writeFile(path.join(dir, 'job-c.qa.json'), JSON.stringify({ format: 'aiprod-qa/1', video: 'job-c.mp4', updatedAt: 'x', analysis: { at: 'x', report: { frames: -1 } }, rerender: null }));
    await expect(readQaFile(video)).rejects.toMatchObject({ code: 'QA_FILE_INVALID', message: expect.stringContaining('analysis.report') });
    await writeFile(path.join(dir, 'job-c.qa.json'), '{not json');
    await expect(readQaFile(video)).rejects.toMatchObject({ code: 'QA_FILE_INVALID', message: expect.stringContaining('job-c.qa.json is not valid JSON') });
  });

  it('does not replace a damaged file when updating it', async () => {
    const video = path.join(dir, 'job-c.mp4');
    await expect(saveAnalysis(video, { at: 'now', report: qaReportJson(identicalReport()) })).rejects.toMatchObject({ code: 'QA_FILE_INVALID' });
    expect(await readFile(path.join(dir, 'job-c.qa.json'), 'utf8')).toBe('{not json');
  });
});
