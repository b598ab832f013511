// Networks used by tests, the benchmark and as CLI examples: a VGG-like chain, a small ResNet (residual
// adds) and an Inception-like block (concat), all for 28×28×1 inputs and 10 classes unless told otherwise.
import type { Activation, LayerSpec, NetworkSpec } from './network.js';

export const conv = (name: string, filters: number, opts: Partial<{ inputs: string[]; kernelSize: number; stride: number; activation: Activation }> = {}): LayerSpec =>
  ({ kind: 'conv', name, inputs: opts.inputs ?? [], filters, kernelSize: opts.kernelSize ?? 3, stride: opts.stride ?? 1, padding: 'same', activation: opts.activation ?? 'none' });
export const bn = (name: string, inputs: string[] = []): LayerSpec => ({ kind: 'batch_norm', name, inputs, activation: 'relu' });
export const dense = (name: string, units: number, activation: Activation = 'none', inputs: string[] = []): LayerSpec => ({ kind: 'dense', name, inputs, units, activation });
export const maxPool = (name: string, inputs: string[] = []): LayerSpec => ({ kind: 'pool', name, inputs, pool: 'max', size: 2, stride: 2, padding: 'valid' });
export const globalPool = (name: string, inputs: string[] = []): LayerSpec => ({ kind: 'pool', name, inputs, pool: 'global_average', size: 0, stride: 0, padding: 'valid' });
export const add = (name: string, inputs: string[]): LayerSpec => ({ kind: 'add', name, inputs, activation: 'relu' });
export const concat = (name: string, inputs: string[]): LayerSpec => ({ kind: 'concat', name, inputs });

const mnistInput = { height: 28, width: 28, channels: 1 };

/** conv-BN-ReLU blocks with pooling, then a dense classifier; `w` scales every width. */
export function vggLike(widths: [number, number, number, number] = [32, 32, 64, 64], hidden = 128): NetworkSpec {
  const [a, b, c, d] = widths;
  return {
    name: 'vgg-like',
    input: mnistInput,
    layers: [
      conv('conv1', a), bn('bn1'), conv('conv2', b), bn('bn2'), maxPool('pool1'),
      conv('conv3', c), bn('bn3'), conv('conv4', d), bn('bn4'), maxPool('pool2'),
      dense('fc1', hidden), bn('bn5'), dense('logits', 10),
    ],
  };
}

/** Stem, two residual blocks (the second one's addends tie the stem's channels), global pool, logits. */
export function resnetLike(width = 16, inner = 16): NetworkSpec {
  return {
    name: 'resnet-like',
    input: mnistInput,
    layers: [
      conv('stem', width), bn('stem_bn'), maxPool('pool'),
      conv('b1_conv1', inner), bn('b1_bn1'), conv('b1_conv2', width), bn('b1_bn2'), add('b1_add', ['pool', 'b1_bn2']),
      conv('b2_conv1', inner), bn('b2_bn1'), conv('b2_conv2', width), bn('b2_bn2'), add('b2_add', ['b1_add', 'b2_bn2']),
      globalPool('gap'), dense('logits', 10),
    ],
  };
}

/** Stem, one Inception block (1×1, 3×3 and 5×5 branches concatenated), global pool, logits. */
export function inceptionLike(width = 16, branch = 8): NetworkSpec {
  return {
    name: 'inception-like',
    input: mnistInput,
    layers: [
      conv('stem', width), bn('stem_bn'), maxPool('pool'),
      conv('br1', branch, { inputs: ['pool'], kernelSize: 1 }), bn('br1_bn'),
      conv('br3', branch, { inputs: ['pool'] }), bn('br3_bn'),
      conv('br5', branch, { inputs: ['pool'], kernelSize: 5 }), bn('br5_bn'),
      concat('mix', ['br1_bn', 'br3_bn', 'br5_bn']),
      conv('head', width), bn('head_bn'), globalPool('gap'), dense('logits', 10),
    ],
  };
}
