// Sample grids as grayscale PNG (pngjs): images side by side with a dark gutter, enlarged for viewing.
import { PNG } from 'pngjs';

export interface GridOptions {
  columns: number;
  /** Side of each (square) image in pixels. */
  size?: number;
  /** Gutter between images, in output pixels. */
  gutter?: number;
  /** Each source pixel becomes scale×scale output pixels. */
  scale?: number;
}

/** PNG bytes of `count` images (pixels in [0, 1], size² each, example-major) laid out row by row. */
export function sampleGridPng(pixels: Float32Array, count: number, o: GridOptions): Buffer {
  const size = o.size ?? 28, gutter = o.gutter ?? 2, scale = o.scale ?? 2;
  const rows = Math.ceil(count / o.columns);
  const cell = size * scale + gutter;
  const png = new PNG({ width: o.columns * cell + gutter, height: rows * cell + gutter });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  for (let k = 0; k < count; k++) {
    const [top, left] = [Math.floor(k / o.columns) * cell + gutter, (k % o.columns) * cell + gutter];
    for (let y = 0; y < size * scale; y++) {
      for (let x = 0; x < size * scale; x++) {
        const v = pixels[k * size * size + Math.floor(y / scale) * size + Math.floor(x / scale)]!;
        const at = ((top + y) * png.width + left + x) * 4;
        png.data[at] = png.data[at + 1] = png.data[at + 2] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  return PNG.sync.write(png);
}
