/**
 * Stock footage: short clips found by searching a library (Pexels, Pixabay) for a scene, then
 * downloaded once and cut to the scene by the renderer.
 */

/** One clip as a search found it, with the one file of it worth fetching for the video. */
export interface StockClip {
  provider: 'pexels' | 'pixabay';
  /** The provider's own id of the video. */
  id: string;
  /** The video's page, for credits. */
  pageUrl: string;
  author: string;
  authorUrl?: string;
  licence: string;
  licenceUrl: string;
  durationSec: number;
  /** The file chosen for the output size (see `chooseFile`). */
  file: StockFile;
}

export interface StockFile {
  url: string;
  width: number;
  height: number;
  /** Bytes, when the library says. */
  size?: number;
}

export interface StockSearch {
  query: string;
  /** The output frame: files are chosen to cover it. */
  width: number;
  height: number;
  signal?: AbortSignal;
}

/** A library of clips. `id` names engine and base URL for cache keys. */
export interface StockProvider {
  readonly id: string;
  readonly engine: 'pexels' | 'pixabay';
  /** Usable clips for the query, best first: portrait, long enough to be worth it, with a file that fits. */
  search(req: StockSearch): Promise<StockClip[]>;
}

/** Shortest clip worth using: anything shorter would loop too visibly. */
export const MIN_CLIP_SECONDS = 1;

/**
 * The file of a clip to fetch for a `width`×`height` portrait output: the smallest one that
 * covers the frame (so 4K is fetched only when nothing smaller covers it), else the biggest one
 * at least half the frame's height (scaled up). Landscape and square files are never chosen:
 * cropping them to 9:16 keeps a third of the picture. Null when none fits.
 */
export function chooseFile(files: StockFile[], width: number, height: number): StockFile | null {
  const portrait = files.filter((f) => f.url && f.width > 0 && f.height >= f.width * 1.25);
  const pixels = (f: StockFile) => f.width * f.height;
  const covering = portrait.filter((f) => f.width >= width && f.height >= height).sort((a, b) => pixels(a) - pixels(b));
  if (covering[0]) return covering[0];
  const biggest = [...portrait].sort((a, b) => pixels(b) - pixels(a))[0];
  return biggest && biggest.height >= height / 2 ? biggest : null;
}
