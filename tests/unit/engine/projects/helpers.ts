// Shared by the engine/projects tests: temporary folders and small valid projects.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { newProjectDocument, type Project, type Shot } from '../../../../engine/projects/schema';

const made: string[] = [];

export async function tempFolder(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `aiprod-projects-${label}-`));
  made.push(dir);
  return dir;
}

export async function removeTempFolders(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

export function shot(id: string, prompt: string, extra: Partial<Shot> = {}): Shot {
  return { id, name: id, prompt, negativePrompt: '', seed: 7, seedLocked: true, tier: 'standard', model: 'aiprod-nano', durationFrames: 16, trimIn: 0, trimOut: 0, ...extra };
}

export function projectWith(name: string, shots: Shot[], revision = 0): Project {
  return { ...newProjectDocument(name, new Date('2026-01-02T03:04:05.000Z')), revision, shots };
}
