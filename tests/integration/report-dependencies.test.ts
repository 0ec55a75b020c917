import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryDependencies } from '../../engine/sovereignty/dependency-tree';

// The report's dependency inventory against npm's own view of the installed production tree.

const ROOT = path.resolve(import.meta.dirname, '../..');

interface NpmNode {
  version?: string;
  missing?: boolean;
  dependencies?: Record<string, NpmNode>;
}

function npmTree(): NpmNode {
  const result = spawnSync('npm', ['ls', '--omit=dev', '--all', '--json', '--offline'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return JSON.parse(result.stdout) as NpmNode;
}

describe('dependency inventory', () => {
  it('lists the same installed packages and the same absent optional ones as npm ls --omit=dev --all', async () => {
    const installed = new Set<string>();
    const absent = new Set<string>();
    const missing = new Set<string>();
    const walk = (node: NpmNode) => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (child.version !== undefined) {
          installed.add(`${name}@${child.version}`);
          walk(child);
        } else if (child.missing === true) missing.add(name);
        else absent.add(name); // npm shows an optional package that is not installed as {}
      }
    };
    walk(npmTree());
    expect(installed.size).toBeGreaterThan(20);

    const { entries } = await inventoryDependencies(ROOT);
    const ours = (status: string) => entries.filter((e) => e.status === status);
    expect(new Set(ours('installed').map((e) => `${e.name}@${e.version}`))).toEqual(installed);
    const installedNames = new Set(ours('installed').map((e) => e.name));
    expect(new Set(ours('absent').map((e) => e.name))).toEqual(new Set([...absent].filter((n) => !installedNames.has(n))));
    expect(new Set(ours('missing').map((e) => e.name))).toEqual(missing);
    // Every installed package has a licence, and the studio's own direct dependencies are listed as direct.
    expect(ours('installed').filter((e) => e.license === null).map((e) => e.name)).toEqual([]);
    expect(entries.filter((e) => e.direct && e.status === 'installed').map((e) => e.name)).toEqual(expect.arrayContaining(['zod', 'onnxruntime-node', 'react']));
  });
});
