import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodeOpaquePng } from '../../../pipeline/render/media/png';

/** A picture with flat areas, gradients and noise: every filter path and byte wrap-around. */
function samplePixels(width: number, height: number): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      seed = (seed * 1103515245 + 12345) >>> 0;
      px[i] = x < width / 3 ? 17 : (x * 7 + y) & 255;
      px[i + 1] = y < height / 2 ? 250 : (y * 13) & 255;
      px[i + 2] = seed >>> 24;
      px[i + 3] = 255;
    }
  }
  return px;
}

describe('encodeOpaquePng', () => {
  it('writes a PNG that decodes to exactly the pixels it was given', async () => {
    const [w, h] = [37, 23];
    const pixels = samplePixels(w, h);
    const png = encodeOpaquePng(pixels, w, h);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const img = await loadImage(png);
    expect([img.width, img.height]).toEqual([w, h]);
    const g = createCanvas(w, h).getContext('2d');
    g.drawImage(img, 0, 0);
    expect(Buffer.from(g.getImageData(0, 0, w, h).data)).toEqual(Buffer.from(pixels));
  });

  it('ignores alpha: the picture is written as RGB', () => {
    const png = encodeOpaquePng(new Uint8ClampedArray([1, 2, 3, 0]), 1, 1);
    // IHDR: bit depth 8, colour type 2 (RGB).
    expect([png[24], png[25]]).toEqual([8, 2]);
  });
});
