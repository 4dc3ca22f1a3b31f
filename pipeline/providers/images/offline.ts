import type { ArtRequest } from './art';
import type { ImageProvider } from './types';

/** Draws offline art somewhere off the main thread (the render's worker pool): PNG bytes. */
export type ArtDrawer = (req: ArtRequest, signal?: AbortSignal) => Promise<Buffer>;

/** Procedural art drawn with Skia: the pictures that always work. */
export function makeOfflineImages(draw: ArtDrawer): ImageProvider {
  return {
    id: 'procedural-art:v4',
    engine: 'offline',
    async image(req, signal) {
      const bytes = await draw({
        width: req.width, height: req.height, palette: req.palette, title: req.title, subtitle: req.subtitle, seed: req.seed, sceneNumber: req.sceneNumber,
      }, signal);
      return { bytes, costMicros: 0 };
    },
  };
}
