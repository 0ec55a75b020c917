// electron/common: the IPC contract shared by main, preload, host and renderer.
export * from './contract';
export * from './errors';
export * from './channels/app';
export * from './wire';
