import type { MigrationDomain } from './migrations';
import { MODELS_MIGRATIONS } from '../models/registry-schema';
import { COST_MIGRATIONS } from '../cost/calibration-store';
import { JOBS_MIGRATIONS } from '../jobs/queue-schema';

// Every domain that keeps tables in the library database, migrated in this order on open.
// To add one (e.g. jobs): export a MigrationDomain from its module and append it here.
export const LIBRARY_DOMAINS: readonly MigrationDomain[] = [MODELS_MIGRATIONS, COST_MIGRATIONS, JOBS_MIGRATIONS];
