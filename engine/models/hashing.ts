import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { ProgressMeter } from './progress';

// SHA-256 of a file read as a stream (models can be many GiB), feeding a progress meter.

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export async function hashFile(file: string, meter?: ProgressMeter): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    meter?.addBytes(chunk.length);
  }
  return { sha256: hash.digest('hex'), bytes };
}
