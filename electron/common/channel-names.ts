// Every channel name of the contract, free of zod: the sandboxed preload bundles this file to
// allow-list channels, and a sandboxed preload cannot `require` packages. contract.ts checks at
// compile time that these lists and the schema maps hold exactly the same names.

export const INVOKE_CHANNELS = [
  'app.info',
  'projects.new',
  'projects.open',
  'projects.save',
  'projects.rename',
  'projects.close',
  'projects.recent',
  'projects.forgetRecent',
  'projects.pickFolder',
  'projects.addAudio',
  'projects.thumbnail',
  'jobs.list',
  'jobs.submit',
  'jobs.cancel',
  'jobs.retry',
  'jobs.reorder',
  'jobs.pause',
  'jobs.resume',
  'report.get',
  'report.export',
  'report.networkStats',
  'models.list',
  'models.verify',
  'models.remove',
  'models.import',
  'models.uploadBegin',
  'models.uploadCancel',
  'export.start',
  'export.cancel',
  'estimate.shot',
  'estimate.timeline',
  'estimate.accuracy',
  'pricing.get',
  'pricing.save',
  'qa.get',
  'qa.run',
  'qa.rerender',
  'qa.cancel',
] as const;
export const EVENT_CHANNELS = ['app.log', 'projects.saved', 'jobs.job', 'jobs.progress', 'jobs.preview', 'jobs.status', 'report.network', 'models.progress', 'models.changed', 'export.progress', 'estimate.calibration', 'pricing.changed', 'qa.progress'] as const;

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

const invokeSet: ReadonlySet<string> = new Set(INVOKE_CHANNELS);
const eventSet: ReadonlySet<string> = new Set(EVENT_CHANNELS);

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && invokeSet.has(name);
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && eventSet.has(name);
}
