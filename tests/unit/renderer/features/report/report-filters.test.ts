import { describe, expect, it } from 'vitest';
import type { DependencyEntryDto, ModelEntryDto } from '../../../../../electron/common/channels/report';
import { DEPENDENCY_FILTERS, filterDependencies, filterModels, matchesQuery, MODEL_FILTERS } from '../../../../../renderer/src/features/report/report-filters';
import { dependency, model } from '../../../engine/sovereignty/fixtures';

const models: ModelEntryDto[] = [
  model({ id: 'nano', name: 'AIPROD Nano' }),
  model({ id: 'pending', name: 'Big one', provenance: { ...model().provenance, status: 'pending_training' }, renderable: false }),
  model({ id: 'edited', name: 'Edited', license: { spdx: 'CC-BY-NC-4.0', owner: 'Someone Else' }, checksums: { state: 'modified', files: 5, lastVerifiedAt: null, problem: 'denoiser.onnx changed' } }),
  model({ id: 'unchecked', name: 'Unchecked', checksums: { state: 'not-verified', files: 5, lastVerifiedAt: null, problem: null } }),
];

const deps: DependencyEntryDto[] = [
  dependency({ name: 'zod', license: 'MIT' }),
  dependency({ name: 'sharp-libvips', license: 'LGPL-3.0-or-later', category: 'weak-copyleft', copyleft: true, flagged: true }),
  dependency({ name: 'mystery', license: 'SEE LICENSE IN EULA', category: 'unknown', flagged: true }),
  dependency({ name: 'gpu-addon', version: null, license: null, category: 'unknown', status: 'absent', kind: 'optional', path: null }),
];

const ids = (list: { id?: string; name: string }[]) => list.map((x) => x.id ?? x.name);

describe('the model filter', () => {
  it('keeps the packs each choice names', () => {
    expect(ids(filterModels(models, 'all', ''))).toEqual(['nano', 'pending', 'edited', 'unchecked']);
    expect(ids(filterModels(models, 'trained', ''))).toEqual(['nano', 'edited', 'unchecked']);
    expect(ids(filterModels(models, 'pending', ''))).toEqual(['pending']);
    expect(ids(filterModels(models, 'checksum-problem', ''))).toEqual(['edited']);
    expect(ids(filterModels(models, 'not-renderable', ''))).toEqual(['pending']);
    expect(MODEL_FILTERS.map((f) => f.id)).toEqual(['all', 'trained', 'pending', 'checksum-problem', 'not-renderable']);
  });

  it('searches names, ids, licences and owners, every word, in any case', () => {
    expect(ids(filterModels(models, 'all', 'cc-by'))).toEqual(['edited']);
    expect(ids(filterModels(models, 'all', 'someone'))).toEqual(['edited']);
    expect(ids(filterModels(models, 'all', 'NANO'))).toEqual(['nano']);
    expect(ids(filterModels(models, 'all', 'apache unchecked'))).toEqual(['unchecked']);
    expect(ids(filterModels(models, 'pending', 'nano'))).toEqual([]);
  });
});

describe('the dependency filter', () => {
  it('tells copyleft, unknown licences and absent packages apart', () => {
    expect(ids(filterDependencies(deps, 'copyleft', ''))).toEqual(['sharp-libvips']);
    // An absent package has no licence to know: it is not an "unknown licence".
    expect(ids(filterDependencies(deps, 'unknown-license', ''))).toEqual(['mystery']);
    expect(ids(filterDependencies(deps, 'absent', ''))).toEqual(['gpu-addon']);
    expect(ids(filterDependencies(deps, 'flagged', ''))).toEqual(['sharp-libvips', 'mystery']);
    expect(ids(filterDependencies(deps, 'all', ''))).toHaveLength(4);
    expect(DEPENDENCY_FILTERS.map((f) => f.id)).toEqual(['all', 'copyleft', 'unknown-license', 'absent', 'flagged']);
  });

  it('searches names and licences', () => {
    expect(ids(filterDependencies(deps, 'all', 'lgpl'))).toEqual(['sharp-libvips']);
    expect(ids(filterDependencies(deps, 'all', 'mit'))).toEqual(['zod']);
    expect(ids(filterDependencies(deps, 'copyleft', 'zod'))).toEqual([]);
  });
});

describe('matchesQuery', () => {
  it('matches everything on an empty query and skips missing fields', () => {
    expect(matchesQuery([null], '   ')).toBe(true);
    expect(matchesQuery([null, 'MIT'], 'mit')).toBe(true);
    expect(matchesQuery([null], 'mit')).toBe(false);
  });
});
