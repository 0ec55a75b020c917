import { z } from 'zod';

// The seed project's MANIFEST.json (models/aiprod-sovereign/MANIFEST.json): an inventory of model
// files, some still waiting for training. Read as
//   { id?, name?, version?, license?, owner?, models: [{ name, file, sha256?, size?, status, license? }] }
// Such a pack is listed with its status; it has no aiprod-model.json, so it never renders.

export const SEED_MANIFEST_FILE = 'MANIFEST.json';

const Sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'a hex SHA-256');

export const SeedModel = z.object({
  name: z.string().min(1),
  file: z.string().min(1),
  sha256: Sha256.nullish(),
  size: z.number().int().nonnegative().nullish(),
  status: z.enum(['pending_training', 'trained']),
  license: z.string().min(1).nullish(),
});
export type SeedModel = z.infer<typeof SeedModel>;

export const SeedManifest = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, ".", "_" or "-"').optional(),
  name: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  license: z.union([z.string().min(1), z.object({ spdx: z.string().min(1), owner: z.string().min(1).optional() })]).optional(),
  owner: z.string().min(1).optional(),
  models: z
    .array(SeedModel)
    .min(1)
    .superRefine((models, ctx) => {
      models.forEach((m, i) => {
        if (m.status === 'trained' && !m.sha256) ctx.addIssue({ code: 'custom', path: [i, 'sha256'], message: `trained model "${m.name}" needs its sha256` });
      });
    }),
});
export type SeedManifest = z.infer<typeof SeedManifest>;
