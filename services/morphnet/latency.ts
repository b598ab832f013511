// Latency cost: every layer timed alone, one example, on the serving backend (whatever initBackend()
// chose), median of a few runs after a warm-up. The cost model then treats a conv/dense layer's time as
// bilinear in its channel counts, like its FLOPs, with this measured constant.
import { initBackend, tf } from '../ml/backend.js';
import type { Graph } from './network.js';
import { applyLayer, createModel } from './network-model.js';

export interface LatencyMeasurement { backend: string; latencyUs: Map<string, number> }

export async function measureLatency(graph: Graph, runs = 5): Promise<LatencyMeasurement> {
  const backend = await initBackend();
  const model = createModel(graph, 0);
  const latencyUs = new Map<string, number>();
  try {
    for (const layer of graph.net.layers) {
      const inputs = layer.inputs.map((name) => {
        const s = graph.shapes.get(name)!;
        return tf.randomNormal(s.spatial ? [1, ...s.spatial, s.channels] : [1, s.channels]);
      });
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const start = performance.now();
        const out = tf.tidy(() => applyLayer(layer, inputs, model.vars.get(layer.name)!, false));
        await out.data(); // wait for the backend to finish
        out.dispose();
        if (i > 0) times.push((performance.now() - start) * 1000); // run 0 warms up (kernel compile, caches)
      }
      tf.dispose(inputs);
      times.sort((a, b) => a - b);
      latencyUs.set(layer.name, times[Math.floor(times.length / 2)]);
    }
  } finally {
    model.dispose();
  }
  return { backend, latencyUs };
}
