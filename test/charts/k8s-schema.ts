// Validation of rendered objects against the Kubernetes OpenAPI schemas: the kubernetes-models class of each
// kind (`.validate()`: types, required fields, formats), plus an unknown-field check for built-in kinds —
// those schemas allow extra properties, so a misspelt field would pass; @kubernetes/client-node's model
// serializer keeps only the fields the API defines, so a round trip that loses something names the typo.
import assert from 'node:assert/strict';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { K8sObject } from './helm.js';

/** apiVersion group → the package module that holds its models. */
function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}`;
  if (group === 'gateway.networking.k8s.io') return `@kubernetes-models/gateway-api/${group}/${version}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/${group}/${version}`;
  return `kubernetes-models/${group}/${version}`;
}

const CUSTOM_RESOURCE_GROUPS = new Set(['gateway.networking.k8s.io', 'monitoring.coreos.com']);

export function isCustomResource(obj: K8sObject): boolean {
  return CUSTOM_RESOURCE_GROUPS.has(obj.apiVersion.split('/')[0]);
}

interface Validatable { validate(): void }
type ModelClass = new (data: unknown) => Validatable;

/** Throws with the object's kind/name and the schema error when it does not validate. */
export async function validateObject(obj: K8sObject): Promise<void> {
  const where = `${obj.kind}/${obj.metadata?.name} (${obj.apiVersion})`;
  let Model: ModelClass | undefined;
  try {
    Model = ((await import(modelModule(obj.apiVersion))) as Record<string, ModelClass>)[obj.kind];
  } catch (error) {
    throw new Error(`${where}: no model package for this apiVersion: ${(error as Error).message}`);
  }
  if (!Model) throw new Error(`${where}: the schema package has no model for this kind`);
  try {
    new Model(obj).validate();
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  if (!isCustomResource(obj)) assertNoUnknownFields(obj, where);
}

function assertNoUnknownFields(obj: K8sObject, where: string): void {
  const version = obj.apiVersion.split('/').pop() as string;
  const typeName = `${version[0].toUpperCase()}${version.slice(1)}${obj.kind}`;
  // An unknown type name would come back as the same plain object, and the check below would pass vacuously.
  const model = ObjectSerializer.deserialize(obj, typeName, '') as object;
  assert.equal(model.constructor.name, typeName, `${where}: @kubernetes/client-node has no model ${typeName}`);
  const roundTrip = JSON.parse(JSON.stringify(ObjectSerializer.serialize(model, typeName, '')));
  const lost = lostFields(obj, roundTrip, '');
  assert.deepEqual(lost, [], `${where}: fields the Kubernetes API does not define (dropped by the round trip): ${lost.join(', ')}`);
}

/** Paths present in `original` but absent or different in `kept`. */
function lostFields(original: unknown, kept: unknown, at: string): string[] {
  if (original === null || typeof original !== 'object') return original === kept ? [] : [at || '/'];
  if (kept === null || typeof kept !== 'object') return [at || '/'];
  return Object.entries(original).flatMap(([key, value]) => lostFields(value, (kept as Record<string, unknown>)[key], `${at}/${key}`));
}
