// engine/projects: project folders (project.aiprod.json, atomic saves with a backup, a lock per
// folder, migrations), the recent list, and audio and thumbnails of open projects.
export { PROJECT_CODES, type ProjectCode } from './codes';
export { AudioClip, DEFAULT_PACK_ID, isProjectRelativePath, LastRender, newProjectDocument, Project, PROJECT_BACKUP_FILE, PROJECT_FILE, PROJECT_LIMITS, PROJECT_SCHEMA_VERSION, ProjectSettings, Shot } from './schema';
export { loadProject, parseProjectText, writeProject, type LoadedProject } from './project-file';
export { acquireProjectLock, LOCK_FILE, type LockOwner, type ProjectLock } from './lock';
export { ProjectSession, checkProjectName, type OpenedProject, type ProjectSessionOptions, type RecentProject, type SavedProject } from './session';
export { importAudio, type ImportedAudio } from './audio';
export { tierDefaults, type TierDefaults } from './tier-defaults';
