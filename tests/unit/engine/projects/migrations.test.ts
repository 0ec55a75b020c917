import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AiprodError } from '../../../../engine/errors';
import { migrateToCurrent } from '../../../../engine/projects/migrations';
import { parseProjectText } from '../../../../engine/projects/project-file';
import { Project } from '../../../../engine/projects/schema';

const fixture = path.join(import.meta.dirname, 'fixtures/v0-project.aiprod.json');

describe('migrations', () => {
  it('bring a version 0 project (the prototype format) up to the current schema', async () => {
    const parsed = parseProjectText(await readFile(fixture, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.fromVersion).toBe(0);
    const project = parsed.project;
    expect(Project.safeParse(project).success).toBe(true);
    expect(project).toMatchObject({
      schemaVersion: 1,
      revision: 0,
      name: 'Harbour at dawn',
      createdAt: '2023-11-14T22:13:20.000Z',
      updatedAt: '2023-11-14T23:13:20.000Z',
      settings: { fps: 12, defaultTier: 'standard', device: 'auto', defaultModel: 'aiprod-nano' },
      audio: [],
    });
    expect(project.shots).toHaveLength(3);
    const [first, second, third] = project.shots;
    expect(first).toEqual({
      id: 'opening',
      name: 'Shot 1',
      prompt: 'a fishing harbour at dawn, mist over the water',
      negativePrompt: 'people',
      seed: 4242,
      seedLocked: true,
      tier: 'eco',
      frames: 24,
      model: 'aiprod-nano',
      durationFrames: 24,
      trimIn: 0,
      trimOut: 0,
    });
    // A free-text id is renumbered; a missing seed is unlocked; a missing tier is the default.
    expect(second).toMatchObject({ id: 'shot-2', seedLocked: false, tier: 'standard', steps: 30, guidance: 5.5, durationFrames: 16 });
    expect(third).toMatchObject({ id: 'shot-3', tier: 'premium', durationFrames: 8, negativePrompt: '' });
  });

  it('leave a current project as it is', () => {
    const current = { schemaVersion: 1, name: 'x' };
    expect(migrateToCurrent(current)).toEqual({ document: current, fromVersion: 1 });
  });

  it('refuse a version 0 file that is broken, naming the field', () => {
    let error: unknown;
    try {
      migrateToCurrent({ version: 0, title: 'Broken', created: 'yesterday', shots: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AiprodError);
    expect((error as AiprodError).message).toMatch(/not a valid version 0 project: created/);
  });

  it('refuse a version they do not know, and a non-object', () => {
    expect(() => migrateToCurrent({ schemaVersion: 2 })).toThrow(/newer AIPROD Studio/);
    expect(() => migrateToCurrent({ schemaVersion: 'one' })).toThrow(/whole number/);
    expect(() => migrateToCurrent([1, 2])).toThrow(/JSON object/);
  });
});
