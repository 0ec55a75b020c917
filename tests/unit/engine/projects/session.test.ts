import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { LOCK_FILE } from '../../../../engine/projects/lock';
import { PROJECT_FILE } from '../../../../engine/projects/schema';
import { ProjectSession } from '../../../../engine/projects/session';
import { removeTempFolders, shot, tempFolder } from './helpers';

afterAll(removeTempFolders);

async function failure(promise: Promise<unknown>): Promise<AiprodError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AiprodError);
  return error as AiprodError;
}

async function newSession(label: string): Promise<{ session: ProjectSession; home: string }> {
  const home = await tempFolder(`${label}-home`);
  return { session: new ProjectSession({ recentFile: () => path.join(home, 'recent-projects.json') }), home };
}

/** A real 16-bit mono PCM WAV file: `seconds` of a 440 Hz tone at 8 kHz. */
function wavBytes(seconds: number): Buffer {
  const rate = 8000;
  const samples = Math.round(rate * seconds);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

describe('a project session', () => {
  it('creates, saves, renames, closes and reopens a project', async () => {
    const { session, home } = await newSession('cycle');
    const folder = await tempFolder('cycle');
    const created = await session.create(folder, '  Night market  ');
    expect(created.project).toMatchObject({ name: 'Night market', revision: 0, shots: [], audio: [], settings: { defaultTier: 'standard', device: 'auto' } });
    expect((await readdir(folder)).sort()).toEqual([LOCK_FILE, PROJECT_FILE].sort());

    const saved = await session.save(folder, { ...created.project, shots: [shot('a', 'lanterns'), shot('b', 'steam over noodles')] });
    expect(saved).toMatchObject({ folder: created.folder, name: 'Night market', revision: 1 });
    const renamed = await session.rename(folder, 'Night market, take 2');
    expect(renamed.revision).toBe(2);

    expect(await session.close(folder)).toBe(true);
    expect(await readdir(folder)).not.toContain(LOCK_FILE);
    expect(await session.close(folder)).toBe(false);

    const reopened = await session.open(folder);
    expect(reopened.project.name).toBe('Night market, take 2');
    expect(reopened.project.shots.map((s) => s.prompt)).toEqual(['lanterns', 'steam over noodles']);
    expect(reopened.project.revision).toBe(2);
    expect(reopened.warnings).toEqual([]);

    const recent = await session.recent();
    expect(recent).toEqual([{ folder: created.folder, name: 'Night market, take 2', openedAt: expect.any(String) as unknown, available: true }]);
    expect(JSON.parse(await readFile(path.join(home, 'recent-projects.json'), 'utf8'))).toMatchObject({ schemaVersion: 1, projects: [{ folder: created.folder }] });
    await session.closeAll();
  });

  it('refuses a save based on an older revision (another window saved in between)', async () => {
    const { session } = await newSession('conflict');
    const folder = await tempFolder('conflict');
    const { project } = await session.create(folder, 'Shared');
    await session.save(folder, { ...project, shots: [shot('a', 'window one')] });
    const error = await failure(session.save(folder, { ...project, shots: [shot('a', 'window two')] }));
    expect(error.code).toBe('PROJECT_CONFLICT');
    expect(error.message).toMatch(/this copy is revision 0, the file is at 1/);
    const again = await session.open(folder);
    expect(again.project.shots[0]?.prompt).toBe('window one');
    await session.closeAll();
  });

  it('serialises saves of one project', async () => {
    const { session } = await newSession('serial');
    const folder = await tempFolder('serial');
    const { project } = await session.create(folder, 'Serial');
    const results = await Promise.allSettled([session.save(folder, { ...project, shots: [shot('a', 'first')] }), session.save(folder, { ...project, revision: 1, shots: [shot('a', 'second')] })]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect((await session.open(folder)).project).toMatchObject({ revision: 2, shots: [{ prompt: 'second' }] });
    await session.closeAll();
  });

  it('keeps a second session (another window of another process) out while the project is open', async () => {
    const { session } = await newSession('two');
    const folder = await tempFolder('two');
    await session.create(folder, 'Mine');
    const other = new ProjectSession({ recentFile: () => path.join(folder, 'other-recent.json') });
    const error = await failure(other.open(folder));
    expect(error.code).toBe('PROJECT_LOCKED');
    await session.close(folder);
    expect((await other.open(folder)).project.name).toBe('Mine');
    await other.closeAll();
  });

  it('gives one clear input error for each bad folder', async () => {
    const { session } = await newSession('bad');
    const folder = await tempFolder('bad');
    const file = path.join(folder, 'a-file.txt');
    await writeFile(file, 'x');
    const cases: [unknown, string, RegExp][] = [
      ['relative/folder', 'PROJECT_PATH_INVALID', /must be absolute/],
      [`${folder}\0evil`, 'PROJECT_PATH_INVALID', /NUL/],
      ['', 'PROJECT_PATH_INVALID', /empty/],
      [path.join(folder, 'nope'), 'PROJECT_FOLDER_MISSING', /does not exist/],
      [file, 'PROJECT_NOT_A_FOLDER', /is a file, not a folder/],
    ];
    for (const [input, code, message] of cases) {
      const error = await failure(session.create(input, 'X'));
      expect(error.code, String(input)).toBe(code);
      expect(error.kind).toBe('input');
      expect(error.message).toMatch(message);
    }
    expect((await failure(session.create(folder, '   '))).code).toBe('PROJECT_NAME_INVALID');
    expect((await failure(session.create(folder, 'two\nlines'))).code).toBe('PROJECT_NAME_INVALID');
    // Nothing was left in the folder by the refusals.
    expect(await readdir(folder)).toEqual(['a-file.txt']);
  });

  it('refuses to create over an existing project, and to save one it has not opened', async () => {
    const { session } = await newSession('exists');
    const folder = await tempFolder('exists');
    const { project } = await session.create(folder, 'First');
    await session.close(folder);
    expect((await failure(session.create(folder, 'Second'))).code).toBe('PROJECT_EXISTS');
    const error = await failure(session.save(folder, project));
    expect(error.code).toBe('PROJECT_NOT_OPEN');
    expect(await readdir(folder)).toEqual([PROJECT_FILE]);
  });

  it('marks recent projects whose folder is gone as unavailable', async () => {
    const { session } = await newSession('recent');
    const kept = await tempFolder('recent-kept');
    const gone = await tempFolder('recent-gone');
    await session.create(gone, 'Gone');
    await session.closeAll();
    await rm(gone, { recursive: true });
    await session.create(kept, 'Kept');
    const recent = await session.recent();
    expect(recent.map((r) => [r.name, r.available])).toEqual([
      ['Kept', true],
      ['Gone', false],
    ]);
    await session.forgetRecent(gone);
    expect((await session.recent()).map((r) => r.name)).toEqual(['Kept']);
    await session.closeAll();
  });
});

describe('audio of a project', () => {
  it('copies a WAV into audio/ with its duration, and reuses an identical copy', async () => {
    const { session } = await newSession('audio');
    const folder = await tempFolder('audio');
    const outside = await tempFolder('audio-src');
    const source = path.join(outside, 'Theme (final).wav');
    await writeFile(source, wavBytes(1.5));
    await session.create(folder, 'With music');
    const imported = await session.importAudio(folder, source);
    expect(imported.file).toBe('audio/Theme _final_.wav');
    expect(imported.name).toBe('Theme (final).wav');
    expect(imported.durationSec).toBeCloseTo(1.5, 2);
    expect(await readFile(path.join(folder, imported.file))).toEqual(await readFile(source));
    expect((await session.importAudio(folder, source)).file).toBe(imported.file);
    // A different file of the same name gets its own name.
    await writeFile(source, wavBytes(0.5));
    expect((await session.importAudio(folder, source)).file).toBe('audio/Theme _final_-2.wav');
    expect((await readdir(path.join(folder, 'audio'))).sort()).toEqual(['Theme _final_-2.wav', 'Theme _final_.wav']);
    await session.closeAll();
  });

  it('reads an MP3 made by ffmpeg', async () => {
    const { session } = await newSession('mp3');
    const folder = await tempFolder('mp3');
    const mp3 = path.join(folder, 'tone.mp3');
    const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-c:a', 'libmp3lame', '-b:a', '64k', mp3]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    await session.create(folder, 'Mp3');
    const imported = await session.importAudio(folder, mp3);
    expect(imported.file).toBe('audio/tone.mp3');
    expect(imported.durationSec).toBeGreaterThan(1.9);
    expect(imported.durationSec).toBeLessThan(2.2);
    await session.closeAll();
  });

  it('refuses what is not WAV or MP3, and leaves audio/ untouched', async () => {
    const { session } = await newSession('audio-bad');
    const folder = await tempFolder('audio-bad');
    await session.create(folder, 'No music');
    const text = path.join(folder, 'notes.txt');
    await writeFile(text, 'hello');
    const fake = path.join(folder, 'fake.wav');
    await writeFile(fake, 'this is not a wave file at all');
    expect((await failure(session.importAudio(folder, text))).code).toBe('AUDIO_UNSUPPORTED');
    const content = await failure(session.importAudio(folder, fake));
    expect(content.code).toBe('AUDIO_UNSUPPORTED');
    expect(content.message).toMatch(/content is not WAV/);
    expect((await failure(session.importAudio(folder, path.join(folder, 'missing.wav')))).code).toBe('AUDIO_NOT_FOUND');
    expect((await failure(session.importAudio(folder, 'music.wav'))).code).toBe('AUDIO_PATH_INVALID');
    expect(await readdir(folder)).not.toContain('audio');
    await session.closeAll();
  });
});

describe('thumbnails of a project', () => {
  it('answers a PNG inside the project as a data: URL and refuses anything else', async () => {
    const { session } = await newSession('thumbs');
    const folder = await tempFolder('thumbs');
    await session.create(folder, 'Thumbs');
    await mkdir(path.join(folder, 'renders/s1'), { recursive: true });
    const png = await sharp({ create: { width: 8, height: 4, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
    await writeFile(path.join(folder, 'renders/s1/job.png'), png);
    const url = await session.thumbnail(folder, 'renders/s1/job.png');
    expect(url).toBe(`data:image/png;base64,${png.toString('base64')}`);

    const outside = await tempFolder('thumbs-outside');
    await writeFile(path.join(outside, 'secret.png'), png);
    await symlink(path.join(outside, 'secret.png'), path.join(folder, 'renders/s1/link.png'));
    await writeFile(path.join(folder, 'renders/s1/text.png'), 'not an image');
    for (const [file, message] of [
      ['../x.png', /not a relative path inside the project/],
      ['/etc/passwd', /not a relative path inside the project/],
      ['renders/s1/link.png', /links outside the project folder/],
      ['renders/s1/text.png', /not a PNG, JPEG or WebP/],
      ['renders/s1/none.png', /does not exist/],
    ] as const) {
      const error = await failure(session.thumbnail(folder, file));
      expect(error.code, file).toBe('THUMBNAIL_UNAVAILABLE');
      expect(error.message).toMatch(message);
    }
    await session.closeAll();
    expect((await failure(session.thumbnail(folder, 'renders/s1/job.png'))).code).toBe('PROJECT_NOT_OPEN');
  });
});
