import type { InvokeChannel } from '../common/channel-names';
import type { PayloadOf, ResultOf } from '../common/contract';
import { appInfo } from './app';
import type { HandlerContext } from './context';
import { jobsCancel, jobsList, jobsPause, jobsReorder, jobsResume, jobsRetry, jobsSubmit } from './jobs';
import {
  projectsAddAudio,
  projectsClose,
  projectsForgetRecent,
  projectsNew,
  projectsOpen,
  projectsPickFolder,
  projectsRecent,
  projectsRename,
  projectsSave,
  projectsThumbnail,
} from './projects';
import { reportExport, reportGet, reportNetworkStats } from './report';
import { modelsImport, modelsList, modelsRemove, modelsUploadBegin, modelsUploadCancel, modelsVerify } from './models';
import { exportCancel, exportStart } from './export';
import { estimateAccuracy, estimateShot, estimateTimeline, pricingGet, pricingSave } from './estimate';
import { qaCancel, qaGet, qaRerender, qaRun } from './qa';

export type Handler<C extends InvokeChannel> = (payload: PayloadOf<C>, ctx: HandlerContext) => Promise<ResultOf<C>> | ResultOf<C>;

/** One handler per invoke channel; the mapped type makes a missing or extra channel a compile error. */
export const handlers: { [C in InvokeChannel]: Handler<C> } = {
  'app.info': appInfo,
  'projects.new': projectsNew,
  'projects.open': projectsOpen,
  'projects.save': projectsSave,
  'projects.rename': projectsRename,
  'projects.close': projectsClose,
  'projects.recent': projectsRecent,
  'projects.forgetRecent': projectsForgetRecent,
  'projects.pickFolder': projectsPickFolder,
  'projects.addAudio': projectsAddAudio,
  'projects.thumbnail': projectsThumbnail,
  'jobs.list': jobsList,
  'jobs.submit': jobsSubmit,
  'jobs.cancel': jobsCancel,
  'jobs.retry': jobsRetry,
  'jobs.reorder': jobsReorder,
  'jobs.pause': jobsPause,
  'jobs.resume': jobsResume,
  'report.get': reportGet,
  'report.export': reportExport,
  'report.networkStats': reportNetworkStats,
  'models.list': modelsList,
  'models.verify': modelsVerify,
  'models.remove': modelsRemove,
  'models.import': modelsImport,
  'models.uploadBegin': modelsUploadBegin,
  'models.uploadCancel': modelsUploadCancel,
  'export.start': exportStart,
  'export.cancel': exportCancel,
  'estimate.shot': estimateShot,
  'estimate.timeline': estimateTimeline,
  'estimate.accuracy': estimateAccuracy,
  'pricing.get': pricingGet,
  'pricing.save': pricingSave,
  'qa.get': qaGet,
  'qa.run': qaRun,
  'qa.rerender': qaRerender,
  'qa.cancel': qaCancel,
};
