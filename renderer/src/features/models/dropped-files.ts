import type { Dropped, DroppedFile } from './dropped';

// Reading real drops and picks in the page (DOM only): folders are walked through the browser's
// file-system entries, so a dropped pack folder arrives as its files with their relative paths.

/** Whether a drag carries files (not text or a link being dragged around the page). */
export function carriesFiles(types: readonly string[] | DOMStringList | undefined): boolean {
  if (types === undefined) return false;
  return Array.from(types as ArrayLike<string>).includes('Files');
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ file: await fileOf(entry as FileSystemFileEntry), relativePath: entry.fullPath.replace(/^\/+/, '') });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches until it answers none.
  for (;;) {
    const batch = await readEntries(reader);
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

/**
 * Reads a drop. The items must be taken during the drop event itself (the browser empties the
 * DataTransfer afterwards), so call this synchronously from the handler and await the result later.
 */
export function readDrop(data: DataTransfer): Promise<Dropped> {
  const top = Array.from(data.files);
  const entries: (FileSystemEntry | null)[] = [];
  const plain: File[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    // A DataTransfer built by a script has no file system behind it: take its files as they are.
    if (entry === null) {
      const file = item.getAsFile();
      if (file !== null) plain.push(file);
    } else entries.push(entry);
  }
  return (async () => {
    const files: DroppedFile[] = plain.map((file) => ({ file, relativePath: file.name }));
    for (const entry of entries) if (entry !== null) await walk(entry, files);
    return { top, files };
  })();
}

/** Files picked with the file input: no folders, names only. */
export function pickedFiles(list: FileList): Dropped {
  const top = Array.from(list);
  return { top, files: top.map((file) => ({ file, relativePath: file.webkitRelativePath || file.name })) };
}
