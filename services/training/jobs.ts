// The training service's own job types (the registry scans every `services/<service>/jobs.ts`).
import { demoRegression } from './demo-regression.js';

export const jobTypes = [demoRegression];
