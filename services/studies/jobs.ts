// The studies' job types, discovered by the training orchestrator (services/training/README.md).
import type { JobType } from '../ml/job-type.js';
import { dataParallelJob, dataParallelTrialJob } from './dataparallel-job.js';
import { dataParallelSummaryJob } from './dataparallel-summary-job.js';
import { transfusionJob } from './transfusion-job.js';

export const jobTypes: JobType<any, any>[] = [dataParallelJob, dataParallelTrialJob, dataParallelSummaryJob, transfusionJob];
