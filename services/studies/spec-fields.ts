// Spec parsing shared by the study job types: every field is checked and a bad one named (JobSpecError →
// INVALID_ARGUMENT job.spec.<field>).
import { JobSpecError } from '../ml/job-type.js';

export interface NumberRule {
  default: number;
  min: number;
  max: number;
  integer?: boolean;
}

export function asObject(raw: unknown, known: string[]): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JobSpecError('spec', 'must be an object');
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) if (!known.includes(key)) throw new JobSpecError(key, `unknown field (known: ${known.join(', ')})`);
  return input;
}

export function numberField(input: Record<string, unknown>, key: string, rule: NumberRule): number {
  const value = input[key] ?? rule.default;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new JobSpecError(key, 'must be a finite number');
  if (rule.integer && !Number.isInteger(value)) throw new JobSpecError(key, 'must be an integer');
  if (value < rule.min || value > rule.max) throw new JobSpecError(key, `must be in [${rule.min}, ${rule.max}], got ${value}`);
  return value;
}

export function numberList(input: Record<string, unknown>, key: string, fallback: number[], rule: Omit<NumberRule, 'default'>): number[] {
  const value = input[key] ?? fallback;
  if (!Array.isArray(value) || value.length === 0) throw new JobSpecError(key, 'must be a non-empty list of numbers');
  return value.map((v, i) => numberField({ [`${key}[${i}]`]: v }, `${key}[${i}]`, { ...rule, default: NaN }));
}

export function choice<T extends string>(input: Record<string, unknown>, key: string, options: readonly T[], fallback: T): T {
  const value = input[key] ?? fallback;
  if (typeof value !== 'string' || !options.includes(value as T)) throw new JobSpecError(key, `must be one of ${options.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export function choices<T extends string>(input: Record<string, unknown>, key: string, options: readonly T[], fallback: T[]): T[] {
  const value = input[key] ?? fallback;
  if (!Array.isArray(value) || value.length === 0) throw new JobSpecError(key, `must be a non-empty list of ${options.join(', ')}`);
  return value.map((v, i) => choice({ [`${key}[${i}]`]: v }, `${key}[${i}]`, options, options[0]));
}

export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value !== undefined && typeof value !== 'string') throw new JobSpecError(key, 'must be a string');
  return value as string | undefined;
}

export function range(input: Record<string, unknown>, key: string, fallback: [number, number], lo: number, hi: number): [number, number] {
  const [a, b] = numberList(input, key, fallback, { min: lo, max: hi });
  if (!(b > a) || input[key] !== undefined && (input[key] as unknown[]).length !== 2) throw new JobSpecError(key, 'must be [low, high] with low < high');
  return [a, b];
}
