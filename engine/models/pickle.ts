import fs from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { inputError, type AiprodError } from '../errors';

// Pickle files run code when loaded (PyTorch .pt/.ckpt, joblib, ...): a pack may not carry them,
// whatever they are named. Detected by name and by content.

const PICKLE_EXTENSIONS = /\.(ckpt|pt|pth|bin|pkl|pickle)$/i;

export function pickleRefusal(label: string, how: string): AiprodError {
  return inputError('PACK_PICKLE', `"${label}" refused: pickle format (${how}); packs carry ONNX only`, { file: label, rule: 'pickle' });
}

export function isPickleName(name: string): boolean {
  return PICKLE_EXTENSIONS.test(name);
}

/**
 * A pickle of protocol 2 to 5 starts with PROTO (0x80, version) and ends with STOP ("."). Both ends
 * are required so raw tensor data that happens to start with 0x80 is not refused.
 */
export function looksLikePickle(head: Uint8Array, lastByte: number | undefined): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5 && lastByte === 0x2e;
}

function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Names the pickle form found in `file`, or null. `label` is the pack-relative name. */
export async function detectPickle(file: string, label: string): Promise<string | null> {
  if (isPickleName(label)) return `name ends in ${PICKLE_EXTENSIONS.exec(label)?.[0] ?? 'a pickle extension'}`;
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(4, size));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(size > 0 ? 1 : 0);
    if (size > 0) await handle.read(tail, 0, 1, size - 1);
    if (looksLikePickle(head, tail[0])) return `content starts with pickle protocol ${head[1]}`;
    if (looksLikeZip(head) && (await zipHoldsPickle(file))) return 'zip archive holding data.pkl, a PyTorch checkpoint';
    return null;
  } finally {
    await handle.close();
  }
}

async function zipHoldsPickle(file: string): Promise<boolean> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { decodeStrings: false });
  } catch {
    return false; // not a readable zip: whatever it is, it is not a torch checkpoint
  }
  try {
    return await new Promise<boolean>((resolve) => {
      zip.on('entry', (entry: Entry) => {
        const name = Buffer.from(entry.fileName).toString('latin1');
        if (name === 'data.pkl' || name.endsWith('/data.pkl')) resolve(true);
        else zip.readEntry();
      });
      zip.on('end', () => resolve(false));
      zip.on('error', () => resolve(false));
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
