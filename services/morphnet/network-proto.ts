// Conversion between the contract's Network message (also its protobuf-JSON form: NET.json files and job
// specs) and the domain NetworkSpec. Unset proto fields take the documented defaults here.
import { create, fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import {
  Activation as ProtoActivation,
  NetworkSchema,
  Padding as ProtoPadding,
  PoolKind as ProtoPoolKind,
  type Layer,
  type Network,
} from '../../gen/nnsuite/morphnet/v1/morphnet_pb.js';
import { NetworkError, type Activation, type LayerSpec, type NetworkSpec, type Padding } from './network.js';

const activation = (a: ProtoActivation): Activation => (a === ProtoActivation.RELU ? 'relu' : 'none');
const padding = (p: ProtoPadding): Padding => (p === ProtoPadding.VALID ? 'valid' : 'same');

export function networkFromProto(msg: Network): NetworkSpec {
  return {
    name: msg.name,
    input: { height: msg.input?.height ?? 0, width: msg.input?.width ?? 0, channels: msg.input?.channels ?? 0 },
    layers: msg.layers.map(layerFromProto),
  };
}

function layerFromProto(l: Layer, index: number): LayerSpec {
  const base = { name: l.name, inputs: [...l.inputs] };
  const k = l.kind;
  switch (k.case) {
    case 'conv':
      return { ...base, kind: 'conv', filters: k.value.filters, kernelSize: k.value.kernelSize, stride: k.value.stride || 1, padding: padding(k.value.padding), activation: activation(k.value.activation) };
    case 'dense':
      return { ...base, kind: 'dense', units: k.value.units, activation: activation(k.value.activation) };
    case 'batchNorm':
      return { ...base, kind: 'batch_norm', activation: activation(k.value.activation) };
    case 'pool': {
      const pool = k.value.kind === ProtoPoolKind.AVERAGE ? 'average' : k.value.kind === ProtoPoolKind.GLOBAL_AVERAGE ? 'global_average' : k.value.kind === ProtoPoolKind.MAX ? 'max' : undefined;
      if (!pool) throw new NetworkError(l.name || `#${index}`, 'pool.kind must be POOL_KIND_MAX, POOL_KIND_AVERAGE or POOL_KIND_GLOBAL_AVERAGE');
      return { ...base, kind: 'pool', pool, size: k.value.size, stride: k.value.stride || k.value.size, padding: padding(k.value.padding) };
    }
    case 'add':
      return { ...base, kind: 'add', activation: activation(k.value.activation) };
    case 'concat':
      return { ...base, kind: 'concat' };
    default:
      throw new NetworkError(l.name || `#${index}`, 'no kind set (conv, dense, batch_norm, pool, add or concat)');
  }
}

const ACTIVATION: Record<Activation, ProtoActivation> = { none: ProtoActivation.NONE, relu: ProtoActivation.RELU };
const PADDING: Record<Padding, ProtoPadding> = { same: ProtoPadding.SAME, valid: ProtoPadding.VALID };
const POOL = { max: ProtoPoolKind.MAX, average: ProtoPoolKind.AVERAGE, global_average: ProtoPoolKind.GLOBAL_AVERAGE } as const;

export function networkToProto(net: NetworkSpec): Network {
  return create(NetworkSchema, {
    name: net.name,
    input: net.input,
    layers: net.layers.map((l) => ({ name: l.name, inputs: l.inputs, kind: layerKindToProto(l) })),
  });
}

function layerKindToProto(l: LayerSpec): Layer['kind'] {
  switch (l.kind) {
    case 'conv':
      return { case: 'conv', value: { filters: l.filters, kernelSize: l.kernelSize, stride: l.stride, padding: PADDING[l.padding], activation: ACTIVATION[l.activation] } } as Layer['kind'];
    case 'dense':
      return { case: 'dense', value: { units: l.units, activation: ACTIVATION[l.activation] } } as Layer['kind'];
    case 'batch_norm':
      return { case: 'batchNorm', value: { activation: ACTIVATION[l.activation] } } as Layer['kind'];
    case 'pool':
      return { case: 'pool', value: { kind: POOL[l.pool], size: l.size, stride: l.stride, padding: PADDING[l.padding] } } as Layer['kind'];
    case 'add':
      return { case: 'add', value: { activation: ACTIVATION[l.activation] } } as Layer['kind'];
    case 'concat':
      return { case: 'concat', value: {} } as Layer['kind'];
  }
}

/** Parse the protobuf-JSON form (NET.json, job specs); malformed JSON names the problem. */
export function networkFromJson(json: unknown): NetworkSpec {
  let msg: Network;
  try {
    msg = fromJson(NetworkSchema, json as JsonValue);
  } catch (e) {
    throw new NetworkError(undefined, `not a nnsuite.morphnet.v1.Network in protobuf JSON: ${(e as Error).message}`);
  }
  return networkFromProto(msg);
}

export function networkToJson(net: NetworkSpec): JsonValue {
  return toJson(NetworkSchema, networkToProto(net));
}
