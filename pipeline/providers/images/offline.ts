import type { WorkerPool } from '../../render/workers/pool';
import type { ImageProvider } from './types';

/** Procedural art drawn with Skia on a worker thread. */
export function makeOfflineImages(pool: WorkerPool): ImageProvider {
  return {
    id: 'procedural-art:v4',
    async image(req, signal) {
      const bytes = await pool.run('art', {
        width: req.width, height: req.height, palette: req.palette, title: req.title, subtitle: req.subtitle, seed: req.seed, sceneNumber: req.sceneNumber,
      }, signal);
      return { bytes, costMicros: 0 };
    },
  };
}
