// Job types of the WANN study, discovered by the training orchestrator (services/training/README.md).
import type { JobType } from '../ml/job-type.js';
import { wannSearchJob } from './search-job.js';

export const jobTypes: JobType<any, any>[] = [wannSearchJob];
