// The headless studio host: `aiprod serve`, `npm start` without Electron, and the e2e tests.
export { startHost, type HostHandle, type HostOptions } from './server';
