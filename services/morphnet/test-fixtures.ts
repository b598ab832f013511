// Shared by the morphnet tests: a tiny 28×28 network that learns the synthetic task in a few dozen steps.
import { bn, conv, dense } from './example-networks.js';
import type { NetworkSpec } from './network.js';

export const tinyNet = (w1 = 6, w2 = 8): NetworkSpec => ({
  name: 'tiny',
  input: { height: 28, width: 28, channels: 1 },
  layers: [conv('c1', w1, { stride: 2 }), bn('c1_bn'), conv('c2', w2, { stride: 2 }), bn('c2_bn'), dense('logits', 10)],
});

