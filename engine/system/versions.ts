// Versions that go into reproducibility records and `aiprod doctor`. Read from package.json files on
// disk rather than imported, so asking for a version never loads a native module.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

function readVersion(packageJson: string): string | undefined {
  if (!existsSync(packageJson)) return undefined;
  try {
    const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The product version (package.json `version`). */
export function engineVersion(): string {
  return readVersion(path.join(projectRoot(), 'package.json')) ?? 'unknown';
}

/** The installed version of a dependency, looked up in the project's node_modules. */
export function dependencyVersion(name: string): string | undefined {
  return readVersion(path.join(projectRoot(), 'node_modules', ...name.split('/'), 'package.json'));
}

export function onnxruntimeVersion(): string {
  return dependencyVersion('onnxruntime-node') ?? 'unknown';
}

export interface RuntimeVersions {
  engine: string;
  node: string;
  onnxruntime: string;
  platform: string;
}

export function runtimeVersions(): RuntimeVersions {
  return {
    engine: engineVersion(),
    node: process.versions.node,
    onnxruntime: onnxruntimeVersion(),
    platform: `${process.platform}-${process.arch}`,
  };
}
