import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AbsolutePath, Project as ContractProject, PROJECT_LIMITS as CONTRACT_LIMITS, DEVICE_NAMES, TIER_NAMES } from '../../../../electron/common/channels/projects';
import { invokeChannels } from '../../../../electron/common/contract';
import { parseProjectText } from '../../../../engine/projects/project-file';
import { Project as EngineProject, PROJECT_LIMITS as ENGINE_LIMITS } from '../../../../engine/projects/schema';
import { DEVICES } from '../../../../engine/render/request';
import { TIER_NAMES as ENGINE_TIERS } from '../../../../engine/render/tiers';

// The project document is written twice: in the engine (the file format) and in the IPC contract
// (electron/common may import nothing of ours). These tests prove the two are the same schema.

const fixture = path.join(import.meta.dirname, '../../engine/projects/fixtures/v0-project.aiprod.json');

describe('the projects contract', () => {
  it('describes the same project document as the engine, down to every limit', () => {
    expect(z.toJSONSchema(ContractProject)).toEqual(z.toJSONSchema(EngineProject));
    expect(CONTRACT_LIMITS).toEqual(ENGINE_LIMITS);
    expect([...TIER_NAMES]).toEqual([...ENGINE_TIERS]);
    expect([...DEVICE_NAMES]).toEqual([...DEVICES]);
  });

  it('accepts what the engine reads, and refuses what the engine refuses', async () => {
    const parsed = parseProjectText(await readFile(fixture, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(ContractProject.parse(parsed.project)).toEqual(parsed.project);
    const broken = { ...parsed.project, shots: [...parsed.project.shots, { ...parsed.project.shots[0]! }] };
    expect(EngineProject.safeParse(broken).success).toBe(false);
    expect(ContractProject.safeParse(broken).error?.issues[0]?.message).toMatch(/used twice/);
    const overTrimmed = { ...parsed.project, shots: [{ ...parsed.project.shots[0]!, trimIn: 20, trimOut: 4 }] };
    expect(EngineProject.safeParse(overTrimmed).success).toBe(false);
    expect(ContractProject.safeParse(overTrimmed).success).toBe(false);
  });

  it('takes only absolute folder paths without NUL', () => {
    for (const ok of ['/home/ana/films', 'C:\\Users\\ana\\films', 'D:/films', '\\\\nas\\films']) expect(AbsolutePath.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['', 'films', './films', '~/films', '/home/ana\0/x']) expect(AbsolutePath.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    const open = invokeChannels['projects.open'].payload.safeParse({ folder: 'relative' });
    expect(open.error?.issues[0]?.message).toBe('the path must be absolute');
  });
});
