import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_CODES, mediaTypeOf, resolveProjectMedia } from '../../../../engine/projects/media-files';
import { removeTempFolders, tempFolder } from './helpers';

let project: string;
let other: string;

beforeAll(async () => {
  project = await tempFolder('media');
  other = await tempFolder('media-other');
  await mkdir(path.join(project, 'renders', 's1'), { recursive: true });
  await mkdir(path.join(project, 'audio'));
  await writeFile(path.join(project, 'renders', 's1', 'j1.mp4'), 'MP4');
  await writeFile(path.join(project, 'renders', 's1', 'j1.png'), 'PNG');
  await writeFile(path.join(project, 'renders', 's1', 'j1.json'), '{}');
  await writeFile(path.join(project, 'renders', 's1', '.j2.mp4.1-ab.partial'), 'half');
  await writeFile(path.join(project, 'audio', 'music.wav'), 'RIFF');
  await writeFile(path.join(project, 'project.aiprod.json'), '{}');
  await writeFile(path.join(other, 'secret.mp4'), 'SECRET');
  await symlink(path.join(other, 'secret.mp4'), path.join(project, 'renders', 's1', 'link.mp4'));
  await symlink(other, path.join(project, 'renders', 'elsewhere'));
});
afterAll(removeTempFolders);

describe('mediaTypeOf', () => {
  it.each([
    ['renders/s1/j1.mp4', 'video/mp4'],
    ['renders/s1/j1.png', 'image/png'],
    ['renders/s1/J1.JPG', 'image/jpeg'],
    ['audio/music.wav', 'audio/wav'],
    ['audio/voice.mp3', 'audio/mpeg'],
  ])('serves %s as %s', (file, type) => {
    expect(mediaTypeOf(file)).toEqual({ ok: true, contentType: type });
  });

  it.each([
    ['project.aiprod.json', 'only files under renders/ and audio/'],
    ['renders/s1/j1.json', 'only .mp4, .png'],
    ['audio/music.mp4', 'only .wav, .mp3'],
    ['renders/s1/.j2.mp4.1-ab.partial', 'hidden and temporary'],
    ['renders/.hidden/j.mp4', 'hidden and temporary'],
    ['renders/../project.aiprod.json', 'not a relative path inside the project'],
    ['/etc/passwd', 'not a relative path inside the project'],
    ['renders\\s1\\j1.mp4', 'not a relative path inside the project'],
    ['C:/x/renders/a.mp4', 'not a relative path inside the project'],
    ['renders', 'only files under renders/ and audio/'],
    ['exports/film.mp4', 'only files under renders/ and audio/'],
  ])('refuses %s', (file, reason) => {
    const result = mediaTypeOf(file);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});

describe('resolveProjectMedia', () => {
  it('answers a render of an open project with its real path, size and type', async () => {
    const media = await resolveProjectMedia([project], project, 'renders/s1/j1.mp4');
    expect(media).toEqual({ file: path.join(project, 'renders', 's1', 'j1.mp4'), size: 3, contentType: 'video/mp4' });
  });

  it('refuses a folder that is not an open project, even one that exists', async () => {
    await expect(resolveProjectMedia([project], other, 'renders/s1/j1.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.NOT_OPEN });
    await expect(resolveProjectMedia([], project, 'renders/s1/j1.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.NOT_OPEN });
    // Not normalised into an open one either.
    await expect(resolveProjectMedia([project], `${project}/renders/..`, 'renders/s1/j1.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.NOT_OPEN });
  });

  it('refuses traversal, the project file and records', async () => {
    for (const file of ['renders/../project.aiprod.json', '../' + path.basename(other) + '/secret.mp4', 'renders/s1/j1.json', 'renders/s1/../../project.aiprod.json']) {
      await expect(resolveProjectMedia([project], project, file)).rejects.toMatchObject({ code: MEDIA_CODES.REFUSED });
    }
  });

  it('refuses links that lead out of the project', async () => {
    await expect(resolveProjectMedia([project], project, 'renders/s1/link.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.REFUSED, message: expect.stringContaining('links outside the project folder') });
    await expect(resolveProjectMedia([project], project, 'renders/elsewhere/secret.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.REFUSED });
  });

  it('says when the file is missing', async () => {
    await expect(resolveProjectMedia([project], project, 'renders/s1/none.mp4')).rejects.toMatchObject({ code: MEDIA_CODES.MISSING });
  });
});
