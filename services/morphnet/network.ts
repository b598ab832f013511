// The network graph MorphNet works on, as plain data (no RPC types): layers in topological order, each
// reading named earlier layers. `checkNetwork` validates it and infers every layer's output shape;
// an invalid graph is a NetworkError naming the layer at fault.

export type Activation = 'none' | 'relu';
export type Padding = 'same' | 'valid';
export type PoolKind = 'max' | 'average' | 'global_average';

interface LayerBase {
  name: string;
  /** Names of earlier layers or `input`; empty = the previous layer (the network input for the first). */
  inputs: string[];
}
export interface ConvLayer extends LayerBase { kind: 'conv'; filters: number; kernelSize: number; stride: number; padding: Padding; activation: Activation }
export interface DenseLayer extends LayerBase { kind: 'dense'; units: number; activation: Activation }
export interface BatchNormLayer extends LayerBase { kind: 'batch_norm'; activation: Activation }
export interface PoolLayer extends LayerBase { kind: 'pool'; pool: PoolKind; size: number; stride: number; padding: Padding }
export interface AddLayer extends LayerBase { kind: 'add'; activation: Activation }
export interface ConcatLayer extends LayerBase { kind: 'concat' }
export type LayerSpec = ConvLayer | DenseLayer | BatchNormLayer | PoolLayer | AddLayer | ConcatLayer;
export type LayerKind = LayerSpec['kind'];

export interface NetworkSpec {
  name: string;
  input: { height: number; width: number; channels: number };
  layers: LayerSpec[];
}

/** Output of one example: spatial `[height, width]` (null once flattened by a dense layer) and channels. */
export interface Shape { spatial: [number, number] | null; channels: number }

/** A validated network: inputs resolved to names, shapes inferred. */
export interface Graph {
  net: NetworkSpec;
  shapes: Map<string, Shape>;
  /** Layers reading each layer (and `input`), in network order. */
  consumers: Map<string, LayerSpec[]>;
  /** The last layer: its output is the logits. */
  output: LayerSpec;
}

export const INPUT = 'input';

/** An invalid graph; `layer` names the layer at fault (undefined when the network as a whole is). */
export class NetworkError extends Error {
  constructor(readonly layer: string | undefined, readonly reason: string) {
    super(layer === undefined ? reason : `layer "${layer}": ${reason}`);
    this.name = 'NetworkError';
  }
}

/** Validate the graph and infer shapes; throws NetworkError naming the first bad layer. */
export function checkNetwork(spec: NetworkSpec): Graph {
  const { height, width, channels } = spec.input;
  if (!(height > 0 && width > 0 && channels > 0)) throw new NetworkError(undefined, 'input height, width and channels must be > 0');
  if (spec.layers.length === 0) throw new NetworkError(undefined, 'the network has no layers');
  const shapes = new Map<string, Shape>([[INPUT, { spatial: [height, width], channels }]]);
  const consumers = new Map<string, LayerSpec[]>([[INPUT, []]]);
  const kinds = new Map<string, LayerKind>();
  const layers: LayerSpec[] = [];
  let previous = INPUT;
  for (const raw of spec.layers) {
    const name = raw.name;
    if (!name) throw new NetworkError(`#${layers.length}`, 'name must not be empty');
    if (shapes.has(name)) throw new NetworkError(name, name === INPUT ? `"${INPUT}" is reserved` : 'duplicate name');
    const inputs = raw.inputs.length > 0 ? [...raw.inputs] : [previous];
    for (const from of inputs) if (!shapes.has(from)) throw new NetworkError(name, `input "${from}" is not an earlier layer`);
    const layer = { ...raw, inputs } as LayerSpec;
    const inShapes = inputs.map((from) => shapes.get(from)!);
    shapes.set(name, outputShape(layer, inShapes, inputs.map((from) => kinds.get(from))));
    for (const from of inputs) consumers.get(from)!.push(layer);
    if (layer.kind === 'batch_norm' && consumers.get(inputs[0])!.filter((c) => c.kind === 'batch_norm').length > 1) {
      throw new NetworkError(name, `"${inputs[0]}" already has a batch norm`);
    }
    consumers.set(name, []);
    kinds.set(name, layer.kind);
    layers.push(layer);
    previous = name;
  }
  const output = layers[layers.length - 1];
  const out = shapes.get(output.name)!;
  if (out.spatial && (out.spatial[0] !== 1 || out.spatial[1] !== 1)) {
    throw new NetworkError(output.name, `the last layer gives the logits and must be flat or 1×1, not ${out.spatial.join('×')}`);
  }
  for (const layer of layers.slice(0, -1)) {
    if (consumers.get(layer.name)!.length === 0) throw new NetworkError(layer.name, 'its output is not used by any later layer');
  }
  return { net: { ...spec, layers }, shapes, consumers, output };
}

function outputShape(layer: LayerSpec, inputs: Shape[], inputKinds: (LayerKind | undefined)[]): Shape {
  const fail = (reason: string): never => { throw new NetworkError(layer.name, reason); };
  const single = (): Shape => (inputs.length === 1 ? inputs[0] : fail(`takes one input, got ${inputs.length}`));
  const spatialOf = (s: Shape): [number, number] => s.spatial ?? fail('needs a spatial (height×width×channels) input, got a flat one');
  switch (layer.kind) {
    case 'conv': {
      positive(layer.name, 'filters', layer.filters);
      positive(layer.name, 'kernel_size', layer.kernelSize);
      positive(layer.name, 'stride', layer.stride);
      const [h, w] = spatialOf(single());
      return { spatial: [side(layer.name, h, layer.kernelSize, layer.stride, layer.padding), side(layer.name, w, layer.kernelSize, layer.stride, layer.padding)], channels: layer.filters };
    }
    case 'dense':
      positive(layer.name, 'units', layer.units);
      single();
      return { spatial: null, channels: layer.units };
    case 'batch_norm':
      single();
      if (inputKinds[0] !== 'conv' && inputKinds[0] !== 'dense') fail('must directly follow a conv or dense layer (its scales gate that layer\'s neurons)');
      return inputs[0];
    case 'pool': {
      const [h, w] = spatialOf(single());
      if (layer.pool === 'global_average') return { spatial: [1, 1], channels: inputs[0].channels };
      positive(layer.name, 'size', layer.size);
      positive(layer.name, 'stride', layer.stride);
      return { spatial: [side(layer.name, h, layer.size, layer.stride, layer.padding), side(layer.name, w, layer.size, layer.stride, layer.padding)], channels: inputs[0].channels };
    }
    case 'add': {
      if (inputs.length < 2) fail('needs two or more inputs');
      const first = JSON.stringify(inputs[0]);
      inputs.forEach((s, i) => { if (JSON.stringify(s) !== first) fail(`input "${layer.inputs[i]}" has shape ${describe(s)}, expected ${describe(inputs[0])} (residual inputs must match)`); });
      return inputs[0];
    }
    case 'concat': {
      if (inputs.length < 2) fail('needs two or more inputs');
      const [h, w] = spatialOf(inputs[0]);
      inputs.forEach((s, i) => {
        const [hi, wi] = spatialOf(s);
        if (hi !== h || wi !== w) fail(`input "${layer.inputs[i]}" is ${hi}×${wi}, expected ${h}×${w} (concat joins channels of equal spatial size)`);
      });
      return { spatial: [h, w], channels: inputs.reduce((sum, s) => sum + s.channels, 0) };
    }
    default:
      return fail('has no kind (conv, dense, batch_norm, pool, add or concat)');
  }
}

function positive(layer: string, field: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) throw new NetworkError(layer, `${field} must be a positive integer, got ${value}`);
}

/** Output side of a window op (TensorFlow's SAME/VALID rules). */
function side(layer: string, size: number, window: number, stride: number, padding: Padding): number {
  const out = padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - window) / stride) + 1;
  if (out < 1) throw new NetworkError(layer, `a ${window}-wide window does not fit a side of ${size} without padding`);
  return out;
}

export function describe(shape: Shape): string {
  return shape.spatial ? `${shape.spatial[0]}×${shape.spatial[1]}×${shape.channels}` : `[${shape.channels}]`;
}

/** Output channels (units) a conv or dense layer produces; undefined for other kinds. */
export function layerWidth(layer: LayerSpec): number | undefined {
  return layer.kind === 'conv' ? layer.filters : layer.kind === 'dense' ? layer.units : undefined;
}

/** The same network with some conv/dense widths replaced. */
export function withWidths(net: NetworkSpec, widths: Map<string, number>): NetworkSpec {
  return {
    ...net,
    layers: net.layers.map((l) => {
      const w = widths.get(l.name);
      if (w === undefined) return l;
      return l.kind === 'conv' ? { ...l, filters: w } : l.kind === 'dense' ? { ...l, units: w } : l;
    }),
  };
}
