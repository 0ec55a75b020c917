// Absolute paths of a shot's render from the project folder and the project-relative path the
// project file stores ("renders/<shot>/<job>.mp4"). No Node path module in the renderer: a folder
// that uses backslashes only (Windows) gets backslashes, anything else forward slashes.

export interface RenderPaths {
  video: string;
  /** The reproducibility record next to it (`<job>.json`). */
  record: string;
}

export function renderPaths(folder: string, relativeOutput: string): RenderPaths {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const base = folder.endsWith(separator) ? folder.slice(0, -1) : folder;
  const video = `${base}${separator}${relativeOutput.split('/').join(separator)}`;
  return { video, record: video.replace(/\.mp4$/i, '') + '.json' };
}
