import { z } from 'zod';
import { defineDomain } from './define';

// The report domain: the sovereignty report (issue 10) as the studio's viewer asks for it, its
// export to a file (HTML or JSON), and the live counts of the network guard of the process that
// serves the studio (Electron's main or the headless host).
//
// The report's schema is written twice: here and in engine/sovereignty/report-schema.ts (the
// format of `aiprod report --format json`), because electron/common imports nothing of ours. A
// compile-time check in electron/handlers/report.ts and a JSON-Schema comparison test keep the two
// equal; they must be equal, or the contract would strip a key and break the report's content hash.

export const REPORT_FORMAT = 'aiprod-sovereignty-report/1';

/** The sections in reading order, each a top-level key of the report (the engine's REPORT_SECTIONS). */
export const REPORT_SECTIONS = [
  { key: 'score', title: 'Sovereignty score' },
  { key: 'models', title: 'Models' },
  { key: 'dependencies', title: 'Dependencies' },
  { key: 'network', title: 'Network' },
  { key: 'reproducibility', title: 'Reproducibility' },
  { key: 'packaging', title: 'Packaging' },
] as const;
export type ReportSectionKey = (typeof REPORT_SECTIONS)[number]['key'];

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');
const Count = z.number().int().nonnegative();
const Score10 = z.number().int().min(0).max(10);

// --- score ---------------------------------------------------------------------------------------

export const CriterionSchema = z.object({
  id: z.enum(['models', 'licences', 'network', 'reproducibility', 'packaging']),
  title: z.string(),
  score: Score10.nullable(),
  deductions: z.array(z.object({ points: z.number().int().positive(), reason: z.string() })),
  justification: z.string(),
});

export const ScoreSectionSchema = z.object({
  overall: z.number().min(0).max(10),
  verdict: z.enum(['sovereign', 'sovereign-with-reservations', 'not-sovereign']),
  verdictText: z.string(),
  criteria: z.array(CriterionSchema),
});

// --- models --------------------------------------------------------------------------------------

export const ModelEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  origin: z.enum(['shipped', 'imported', 'search-path']),
  format: z.enum(['aiprod-model/1', 'seed-manifest']),
  architecture: z.string().nullable(),
  parameters: Count.nullable(),
  components: z.array(z.object({ role: z.string(), file: z.string(), architecture: z.string().nullable(), parameters: Count.nullable() })),
  license: z.object({ spdx: z.string(), owner: z.string() }),
  provenance: z.object({
    status: z.enum(['trained', 'pending_training']),
    source: z.string(),
    trainingConfig: z.string().nullable(),
    commit: z.string().nullable(),
    trainedAt: z.string().nullable(),
    hardware: z.string().nullable(),
    trainingSeconds: z.number().nonnegative().nullable(),
  }),
  renderable: z.boolean(),
  checksums: z.object({
    state: z.enum(['verified', 'not-verified', 'modified', 'missing', 'no-checksums']),
    files: Count,
    lastVerifiedAt: z.string().nullable(),
    problem: z.string().nullable(),
  }),
});

// --- dependencies --------------------------------------------------------------------------------

export const LicenseCategorySchema = z.enum(['permissive', 'weak-copyleft', 'strong-copyleft', 'proprietary', 'unknown']);

export const DependencyEntrySchema = z.object({
  name: z.string(),
  version: z.string().nullable(),
  license: z.string().nullable(),
  licenseSource: z.enum(['license', 'licenses', 'license-file', 'none']),
  category: LicenseCategorySchema,
  copyleft: z.boolean(),
  flagged: z.boolean(),
  status: z.enum(['installed', 'absent', 'missing']),
  kind: z.enum(['dependency', 'optional', 'peer']),
  direct: z.boolean(),
  requested: z.string(),
  requiredBy: z.string(),
  path: z.string().nullable(),
});

export const DependencySummarySchema = z.object({
  root: z.string(),
  installed: Count,
  absent: Count,
  missing: Count,
  byCategory: z.record(LicenseCategorySchema, Count),
  /** "name@version" of every flagged package (copyleft, proprietary, unknown licence, missing). */
  flagged: z.array(z.string()),
});

// --- network -------------------------------------------------------------------------------------

const RenderCountSchema = z.object({
  record: z.string(),
  createdAt: z.string().nullable(),
  model: z.string().nullable(),
  installed: z.boolean(),
  attempts: Count,
  blocked: Count,
});

const OriginCountSchema = z.object({ origin: z.string(), api: z.string(), target: z.string(), count: Count, lastAt: z.string() });

export const NetworkSectionSchema = z.object({
  guard: z.object({ installed: z.boolean(), label: z.string().nullable(), since: z.string().nullable() }),
  attempts: Count,
  blocked: Count,
  byOrigin: z.array(OriginCountSchema),
  unlistedAttempts: Count,
  renders: z
    .object({
      records: Count,
      attempts: Count,
      blocked: Count,
      withoutGuard: Count,
      items: z.array(RenderCountSchema),
      unreadable: z.array(z.object({ record: z.string(), problem: z.string() })),
    })
    .nullable(),
});

// --- reproducibility -----------------------------------------------------------------------------

export const ReproducibilitySectionSchema = z.object({
  seededNoise: z.object({
    algorithm: z.string(),
    module: z.string(),
    identicalOnRepeat: z.boolean(),
    fingerprint: z.object({ seed: Count, samples: Count, sha256: Sha256 }),
  }),
  runtime: z.object({
    intraOpThreads: z.number().int().positive(),
    interOpThreads: z.number().int().positive(),
    executionMode: z.string(),
    graphOptimizationLevel: z.string(),
    deterministicCompute: z.boolean(),
  }),
  versions: z.object({
    app: z.string(),
    host: z.enum(['electron', 'node']),
    electron: z.string().nullable(),
    electronPackaged: z.string().nullable(),
    chromium: z.string().nullable(),
    node: z.string(),
    onnxruntime: z.string(),
    ffmpeg: z.string(),
    platform: z.string(),
  }),
  gpu: z.object({
    cuda: z.string(),
    driver: z.string(),
    devices: z.array(z.object({ name: z.string(), memoryMiB: z.number().nonnegative() })),
    cudaProvider: z.object({ available: z.boolean(), reason: z.string().nullable() }),
  }),
  lockfile: z.object({ file: z.string(), present: z.boolean(), lockfileVersion: z.number().int().nullable(), sha256: Sha256.nullable() }),
  pinning: z.object({ total: Count, exact: Count, ranges: z.array(z.string()) }),
});

// --- packaging -----------------------------------------------------------------------------------

export const PackagingSectionSchema = z.object({
  electronBuilder: z.object({ file: z.string(), present: z.boolean(), asar: z.boolean().nullable(), publish: z.string().nullable(), afterPack: z.string().nullable() }),
  fuses: z.object({
    file: z.string().nullable(),
    present: z.boolean(),
    entries: z.array(z.object({ fuse: z.string(), configured: z.boolean().nullable(), expected: z.boolean(), ok: z.boolean(), why: z.string() })),
  }),
  offline: z.array(
    z.object({
      id: z.enum(['npm-install-no-download', 'no-auto-update', 'electron-request-filter', 'chromium-no-dns']),
      label: z.string(),
      ok: z.boolean().nullable(),
      detail: z.string(),
      file: z.string().nullable(),
    }),
  ),
});

// --- the report ----------------------------------------------------------------------------------

export const ReportBodySchema = z.object({
  format: z.literal(REPORT_FORMAT),
  issuedAt: z.iso.datetime(),
  product: z.object({ name: z.string(), version: z.string(), owner: z.string() }),
  score: ScoreSectionSchema,
  models: z.array(ModelEntrySchema),
  dependencies: z.array(DependencyEntrySchema),
  dependencySummary: DependencySummarySchema,
  network: NetworkSectionSchema,
  reproducibility: ReproducibilitySectionSchema,
  packaging: PackagingSectionSchema,
  /** Things the report could not take in (an unreadable pack folder, say), one line each. */
  notes: z.array(z.string()),
});

export const SovereigntyReportSchema = ReportBodySchema.extend({
  /** SHA-256 of the canonical JSON (RFC 8785) of every other key of the report. */
  contentHash: Sha256,
});

export type SovereigntyReportDto = z.infer<typeof SovereigntyReportSchema>;
export type ModelEntryDto = z.infer<typeof ModelEntrySchema>;
export type DependencyEntryDto = z.infer<typeof DependencyEntrySchema>;
export type CriterionDto = z.infer<typeof CriterionSchema>;

// --- live network counts -------------------------------------------------------------------------

/** The network guard of the process serving the studio, as counted now. */
export const NetworkStatsSchema = z.object({
  installed: z.boolean(),
  /** Which process: "main" (Electron) or "host" (the headless host). */
  label: z.string().nullable(),
  /** Attempts to reach a non-loopback address since the guard was installed. */
  attempts: Count,
  /** Of those, how many were refused (all of them while the guard is installed). */
  blocked: Count,
  byOrigin: z.array(OriginCountSchema),
  unlistedAttempts: Count,
  since: z.string().nullable(),
});
export type NetworkStatsDto = z.infer<typeof NetworkStatsSchema>;

// --- payloads and results ------------------------------------------------------------------------

const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path holds a NUL character')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'the path must be absolute');

export const ReportGetPayload = z
  .object({
    /** Re-hash every model file first (slow on large packs). */
    verify: z.boolean().optional(),
    /** A folder of render records (<job>.json) whose network counts the report should include; it must exist. */
    rendersDir: AbsolutePath.optional(),
    /** The open project: the records under its renders/ folder are included when that folder exists. */
    projectFolder: AbsolutePath.optional(),
  })
  .strict()
  .optional();

export const ReportExportFormat = z.enum(['html', 'json']);
export type ReportExportFormat = z.infer<typeof ReportExportFormat>;

export const ReportExportPayload = z
  .object({
    format: ReportExportFormat,
    /** Write the file here. Without it, Electron asks with a save dialog and the headless host
     * answers the content, for the page to offer as a download. */
    path: AbsolutePath.optional(),
    /** The report the viewer shows: exported as it is, so the file carries the hash on screen. */
    contentHash: Sha256.optional(),
  })
  .strict();

const ExportedBase = {
  format: ReportExportFormat,
  /** The content hash of the report that was exported. */
  contentHash: Sha256,
  /** False when the report asked for was no longer held and a fresh one was made instead. */
  asShown: z.boolean(),
  bytes: Count,
};

export const ReportExportResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1), ...ExportedBase }),
  z.object({ kind: z.literal('content'), fileName: z.string().min(1), mimeType: z.string().min(1), content: z.string(), ...ExportedBase }),
  z.object({ kind: z.literal('cancelled') }),
]);
export type ReportExportResult = z.infer<typeof ReportExportResult>;

export const reportDomain = defineDomain('report', {
  invoke: {
    'report.get': { payload: ReportGetPayload, result: SovereigntyReportSchema },
    'report.export': { payload: ReportExportPayload, result: ReportExportResult },
    'report.networkStats': { payload: z.undefined(), result: NetworkStatsSchema },
  },
  events: {
    /** The counts changed (an attempt was refused); sent at most a few times a second. */
    'report.network': NetworkStatsSchema,
  },
});
