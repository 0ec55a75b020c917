import { inputError, type AiprodError } from '../../errors';
import { checkPackPath, collisionKey } from '../pack-paths';
import { isPickleName } from '../pickle';

// The admission rules every archive entry passes before a byte of it is written: a safe relative
// name, a plain file or folder, no duplicates (also by case), and no more entries than allowed.

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'device' | 'socket' | 'other';

export function entryRefusal(archive: string, entry: string, rule: string): AiprodError {
  return inputError('ARCHIVE_UNSAFE_ENTRY', `${archive}: entry "${entry}" refused: ${rule}`, { file: archive, entry, rule });
}

const KIND_RULES: Record<Exclude<EntryKind, 'file' | 'directory'>, string> = {
  symlink: 'symbolic link',
  hardlink: 'hard link',
  fifo: 'FIFO',
  device: 'device file',
  socket: 'socket',
  other: 'unsupported entry type',
};

export class EntryGate {
  private count = 0;
  private readonly files = new Map<string, string>();
  private readonly folders = new Set<string>();

  constructor(
    private readonly archive: string,
    private readonly maxEntries: number,
  ) {}

  /** Returns the normalised pack path of a file entry, or null for a folder entry. Throws on refusal. */
  admit(rawName: string, kind: EntryKind): string | null {
    this.count += 1;
    if (this.count > this.maxEntries) {
      throw inputError('ARCHIVE_BOMB', `${this.archive} refused: more than ${this.maxEntries} entries`, { file: this.archive, rule: 'entry count' });
    }
    const checked = checkPackPath(rawName);
    if (!checked.ok) throw entryRefusal(this.archive, rawName, checked.rule);
    if (kind !== 'file' && kind !== 'directory') throw entryRefusal(this.archive, rawName, KIND_RULES[kind]);
    const key = collisionKey(checked.path);
    const parents = parentKeys(key);
    const fileParent = parents.find((p) => this.files.has(p));
    if (fileParent !== undefined) throw entryRefusal(this.archive, rawName, `lies under "${this.files.get(fileParent) ?? fileParent}", which is a file`);
    if (kind === 'directory') {
      if (this.files.has(key)) throw entryRefusal(this.archive, rawName, 'a file of that name comes earlier');
      for (const p of [...parents, key]) this.folders.add(p);
      return null;
    }
    if (this.files.has(key)) throw entryRefusal(this.archive, rawName, `duplicate name (same as "${this.files.get(key) ?? key}")`);
    if (this.folders.has(key)) throw entryRefusal(this.archive, rawName, 'a folder of that name comes earlier');
    if (isPickleName(checked.path)) {
      throw inputError('PACK_PICKLE', `${this.archive}: entry "${rawName}" refused: pickle format (by name); packs carry ONNX only`, { file: this.archive, entry: rawName, rule: 'pickle' });
    }
    this.files.set(key, checked.path);
    for (const p of parents) this.folders.add(p);
    return checked.path;
  }
}

function parentKeys(key: string): string[] {
  const parts = key.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}
