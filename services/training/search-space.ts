// Parameter values for trial `index` of a study: random search (independent uniform or log-uniform draws,
// reproducible from the seed and the index) or grid search (the Cartesian product, last parameter fastest).
import type { JsonValue } from '@bufbuild/protobuf';
import { seededRandom } from '../ml/seeded-random.js';
import { StudyConfigError, type ParameterDomain, type ParameterSpec, type StudyConfig } from './study-config.js';

export function validateSearchSpace(config: Pick<StudyConfig, 'parameters' | 'algorithm' | 'maxTrials'>): void {
  if (config.parameters.length === 0) throw new StudyConfigError('study.parameters', 'must list at least one parameter');
  const names = new Set<string>();
  config.parameters.forEach((p, i) => {
    const field = `study.parameters[${i}]`;
    if (!p.name) throw new StudyConfigError(`${field}.name`, 'must not be empty');
    if (names.has(p.name)) throw new StudyConfigError(`${field}.name`, `"${p.name}" is searched twice`);
    names.add(p.name);
    validateDomain(p.domain, field, config.algorithm);
  });
  if (config.algorithm === 'grid') {
    const size = gridSize(config.parameters);
    if (config.maxTrials > size) throw new StudyConfigError('study.max_trials', `exceeds the ${size} points of the grid`);
  }
}

function validateDomain(d: ParameterDomain, field: string, algorithm: StudyConfig['algorithm']): void {
  if (d.kind === 'categorical') {
    if (d.values.length === 0) throw new StudyConfigError(`${field}.categorical_domain.values`, 'must not be empty');
    return;
  }
  const f = `${field}.${d.kind}_domain`;
  if (!Number.isFinite(d.min) || !Number.isFinite(d.max) || d.min > d.max) throw new StudyConfigError(`${f}.max`, 'must be ≥ min, both finite');
  if (d.logScale && d.min <= 0) throw new StudyConfigError(`${f}.min`, 'must be > 0 with log_scale');
  if (d.kind === 'double' && algorithm === 'grid' && !(d.step > 0)) throw new StudyConfigError(`${f}.step`, 'must be > 0 for grid search');
}

/** Values of the grid along one parameter. */
function gridValues(d: ParameterDomain): JsonValue[] {
  switch (d.kind) {
    case 'categorical':
      return d.values;
    case 'int':
      return Array.from({ length: d.max - d.min + 1 }, (_, i) => d.min + i);
    case 'double': {
      // With log_scale the points are `step` apart in log10 units. The small slack keeps a max that is an exact
      // multiple of step despite rounding.
      const [lo, hi] = d.logScale ? [Math.log10(d.min), Math.log10(d.max)] : [d.min, d.max];
      const count = Math.floor((hi - lo) / d.step + 1e-9) + 1;
      return Array.from({ length: count }, (_, i) => (d.logScale ? d.min * 10 ** (i * d.step) : d.min + i * d.step));
    }
  }
}

export function gridSize(parameters: ParameterSpec[]): number {
  return parameters.reduce((n, p) => n * gridValues(p.domain).length, 1);
}

export function suggest(config: Pick<StudyConfig, 'parameters' | 'algorithm' | 'seed'>, index: number): Record<string, JsonValue> {
  return config.algorithm === 'grid' ? gridPoint(config.parameters, index) : randomPoint(config.parameters, config.seed, index);
}

function gridPoint(parameters: ParameterSpec[], index: number): Record<string, JsonValue> {
  const point: Record<string, JsonValue> = {};
  let rest = index;
  for (let i = parameters.length - 1; i >= 0; i--) {
    const values = gridValues(parameters[i].domain);
    point[parameters[i].name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  return Object.fromEntries(parameters.map((p) => [p.name, point[p.name]]));
}

function randomPoint(parameters: ParameterSpec[], seed: number, index: number): Record<string, JsonValue> {
  const random = seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
  return Object.fromEntries(parameters.map((p) => [p.name, draw(p.domain, random())]));
}

function draw(d: ParameterDomain, u: number): JsonValue {
  switch (d.kind) {
    case 'categorical':
      return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))];
    case 'double':
      return d.logScale ? Math.exp(Math.log(d.min) + u * (Math.log(d.max) - Math.log(d.min))) : d.min + u * (d.max - d.min);
    case 'int': {
      // Uniform over the integers (log-uniform over [min, max + 1) when asked), so each end is as likely as the rest.
      const x = d.logScale ? Math.exp(Math.log(d.min) + u * (Math.log(d.max + 1) - Math.log(d.min))) : d.min + u * (d.max - d.min + 1);
      return Math.min(d.max, Math.floor(x));
    }
  }
}

