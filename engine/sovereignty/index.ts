// The sovereignty report (issue 10): what the studio is made of and whether it keeps to itself,
// computed from the running system. See build-report.ts for the flow, report-schema.ts for the data.
export { buildSovereigntyReport, gatherReportFacts, assembleReport, reportContentHash, hasValidContentHash } from './build-report';
export type { BuildReportOptions, ReportFacts } from './build-report';
export { canonicalJson, canonicalSha256 } from './canonical-json';
export { inventoryDependencies } from './dependency-tree';
export type { DependencyEntry, DependencyInventory } from './dependency-tree';
export { classifyLicense, isCopyleft, type LicenseCategory } from './licenses/classify';
export { inventoryModels } from './model-inventory';
export type { ModelEntry } from './model-inventory';
export { networkFacts } from './network-facts';
export type { NetworkFacts } from './network-facts';
export { readRenderNetworkCounts } from './render-records';
export type { RenderNetworkCount, RenderScan } from './render-records';
export { scoreReport } from './scoring';
export type { Criterion, CriterionId, ScoreFacts, Verdict } from './scoring';
export { renderReportHtml, escapeHtml } from './html';
export { serializeReport, writeReportFile, formatForFile, checkReportDestination, type ReportFormat } from './export';
export { reportFileName, REPORT_MIME_TYPES } from './export-name';
export * from './report-schema';
