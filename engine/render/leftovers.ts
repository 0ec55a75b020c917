// What a render killed mid-way (SIGKILL, a native crash) leaves in the output folder: its temporary
// files, which only the dead process could have removed. The caller that saw it die removes them.
// The names follow engine/media/output-file.ts (`.<name>.<pid>-<hex>.partial`, ffmpeg's output) and
// render/files.ts (`.<name>.<pid>.<hex>.tmp`, the record); only files of that pid are touched.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { recordPathFor } from './output-target';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the temporary files process `pid` left for `output` and its record; returns their paths. */
export function removeRenderLeftovers(output: string, pid: number): string[] {
  const video = path.resolve(output);
  const dir = path.dirname(video);
  const patterns = [
    new RegExp(`^\\.${escapeRegExp(path.basename(video))}\\.${pid}-[0-9a-f]+\\.partial$`),
    new RegExp(`^\\.${escapeRegExp(path.basename(recordPathFor(video)))}\\.${pid}\\.[0-9a-f]+\\.tmp$`),
  ];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!patterns.some((p) => p.test(name))) continue;
    const file = path.join(dir, name);
    rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}
