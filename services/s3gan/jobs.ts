// Job types of the S3GAN study, discovered by the training orchestrator (services/training/README.md).
import type { JobType } from '../ml/job-type.js';
import { s3ganStudyJob } from './study-job.js';

export const jobTypes: JobType<any, any>[] = [s3ganStudyJob];
