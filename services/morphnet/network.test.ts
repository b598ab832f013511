import assert from 'node:assert/strict';
import { add, bn, conv, dense, maxPool, vggLike } from './example-networks.js';
import { checkNetwork, NetworkError, type NetworkSpec } from './network.js';
import { networkFromJson, networkToJson } from './network-proto.js';

const input = { height: 8, width: 8, channels: 1 };
const expectError = (net: NetworkSpec, layer: string | undefined, reason: RegExp): void => {
  assert.throws(() => checkNetwork(net), (e: unknown) => e instanceof NetworkError && e.layer === layer && reason.test(e.reason));
};

describe('morphnet network graph', () => {
  it('infers shapes through the VGG-like net', () => {
    const graph = checkNetwork(vggLike());
    assert.deepEqual(graph.shapes.get('pool1'), { spatial: [14, 14], channels: 32 });
    assert.deepEqual(graph.shapes.get('fc1'), { spatial: null, channels: 128 });
    assert.equal(graph.output.name, 'logits');
  });

  it('names the layer of an invalid graph', () => {
    expectError({ name: 'x', input, layers: [conv('a', 4), conv('a', 4)] }, 'a', /duplicate/);
    expectError({ name: 'x', input, layers: [conv('a', 4, { inputs: ['nope'] }), dense('o', 2)] }, 'a', /"nope" is not an earlier layer/);
    expectError({ name: 'x', input, layers: [conv('a', 4), conv('b', 8, { inputs: ['input'] }), add('s', ['a', 'b']), dense('o', 2)] }, 's', /residual inputs must match/);
    expectError({ name: 'x', input, layers: [conv('a', 4), maxPool('p'), bn('b'), dense('o', 2)] }, 'b', /must directly follow a conv or dense/);
    expectError({ name: 'x', input, layers: [conv('a', 4)] }, 'a', /must be flat or 1×1/);
    expectError({ name: 'x', input, layers: [conv('a', 4), conv('b', 4, { inputs: ['input'] }), dense('o', 2)] }, 'a', /not used/);
    expectError({ name: 'x', input, layers: [conv('a', 0), dense('o', 2)] }, 'a', /filters must be a positive integer/);
    expectError({ name: 'x', input, layers: [dense('d', 4), conv('c', 2), dense('o', 2)] }, 'c', /needs a spatial/);
    expectError({ name: 'x', input: { height: 0, width: 8, channels: 1 }, layers: [dense('o', 2)] }, undefined, /input height/);
  });

  it('round-trips the protobuf JSON form and rejects a layer without a kind', () => {
    const net = vggLike();
    const json = networkToJson(net);
    const back = networkFromJson(JSON.parse(JSON.stringify(json)));
    assert.deepEqual(back, net);
    assert.equal((json as { layers: { batchNorm?: unknown }[] }).layers[1].batchNorm !== undefined, true);
    assert.throws(() => networkFromJson({ input: { height: 2, width: 2, channels: 1 }, layers: [{ name: 'x' }] }), /layer "x": no kind/);
    assert.throws(() => networkFromJson({ layers: 3 }), /not a nnsuite.morphnet.v1.Network/);
  });
});
