// What a drop (or the file picker) gives the models feature: the dropped items as files with the
// path they had relative to what was dropped ("denoiser.onnx", or "my-pack/denoiser.onnx" for a
// dropped folder), plus the File of each top-level item (Electron turns those into paths).
// Free of DOM-only types: the store and its tests use it (dropped-files.ts reads real drops).

export interface DroppedFile {
  file: File;
  /** "/"-separated, relative to the dropped item's parent. */
  relativePath: string;
}

export interface Dropped {
  /** The top-level items as the browser gives them (a dropped folder is one of them). */
  top: File[];
  /** Every file, folders walked. */
  files: DroppedFile[];
}

/** A short name for what was dropped, for the progress list. */
export function describeDrop(dropped: Dropped): string {
  const names = dropped.top.map((f) => f.name);
  if (names.length === 0) return 'dropped files';
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
