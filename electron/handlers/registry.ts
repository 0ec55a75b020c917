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
};
