// The stable error codes of engine/projects (AiprodError.code). Callers and the studio branch on
// these; the messages are for people.
export const PROJECT_CODES = {
  /** The folder path is not absolute, holds NUL, or is too long. (input) */
  PATH_INVALID: 'PROJECT_PATH_INVALID',
  /** The folder does not exist. (input) */
  FOLDER_MISSING: 'PROJECT_FOLDER_MISSING',
  /** The path names a file, not a folder. (input) */
  NOT_A_FOLDER: 'PROJECT_NOT_A_FOLDER',
  /** Nothing can be created in the folder. (input) */
  FOLDER_NOT_WRITABLE: 'PROJECT_FOLDER_NOT_WRITABLE',
  /** Another window or process has the project open. (input) */
  LOCKED: 'PROJECT_LOCKED',
  /** projects.new on a folder that already holds a project. (input) */
  EXISTS: 'PROJECT_EXISTS',
  /** No project file (nor its backup) in the folder. (input) */
  NOT_FOUND: 'PROJECT_NOT_FOUND',
  /** The file and its backup are both unreadable or invalid. (input) */
  UNREADABLE: 'PROJECT_UNREADABLE',
  /** A project document that does not match the schema. (input) */
  INVALID: 'PROJECT_INVALID',
  /** Written by a newer version of the studio. (input) */
  TOO_NEW: 'PROJECT_TOO_NEW',
  /** A bad project name. (input) */
  NAME_INVALID: 'PROJECT_NAME_INVALID',
  /** Save, rename or close of a project this session has not opened. (input) */
  NOT_OPEN: 'PROJECT_NOT_OPEN',
  /** The save was based on an older revision: another window saved in between. (input) */
  CONFLICT: 'PROJECT_CONFLICT',
  /** The disk refused the write (full, read-only, I/O error). (work) */
  WRITE_FAILED: 'PROJECT_WRITE_FAILED',
  /** An audio file path that is not absolute or holds NUL. (input) */
  AUDIO_PATH_INVALID: 'AUDIO_PATH_INVALID',
  /** The audio file does not exist or is not a file. (input) */
  AUDIO_NOT_FOUND: 'AUDIO_NOT_FOUND',
  /** Not a WAV or MP3 file. (input) */
  AUDIO_UNSUPPORTED: 'AUDIO_UNSUPPORTED',
  /** The audio file's duration cannot be read. (input) */
  AUDIO_UNREADABLE: 'AUDIO_UNREADABLE',
  /** A thumbnail path outside the project, missing, too big or not an image. (input) */
  THUMBNAIL_UNAVAILABLE: 'THUMBNAIL_UNAVAILABLE',
} as const;

export type ProjectCode = (typeof PROJECT_CODES)[keyof typeof PROJECT_CODES];
