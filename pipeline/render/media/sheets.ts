import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { registerCanvasFonts } from '../../media/fonts';
import { ART_TITLE } from '../../providers/images/art';
import { encodeOpaquePng } from './png';

export interface StoryboardRequest {
  /** PNG/JPEG paths, one per scene, in order. */
  images: string[];
  /** One short label per scene (e.g. "3 · 7.5s · pan_left"). */
  labels: string[];
  /** One line of narration per scene, truncated to fit. */
  lines: string[];
  title: string;
}

export interface ThumbnailRequest {
  image: string;
  title: string;
  accent: string;
  width: number;
  height: number;
}


function ellipsis(g: SKRSContext2D, text: string, maxWidth: number): string {
  if (g.measureText(text).width <= maxWidth) return text;
  let t = text;
  while (t.length > 1 && g.measureText(`${t}…`).width > maxWidth) t = t.slice(0, -1);
  return `${t.trimEnd()}…`;
}

/** Wraps text into at most `maxLines` lines of `maxWidth`. */
function wrapLines(g: SKRSContext2D, text: string, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (g.measureText(next).width > maxWidth && line) {
      lines.push(line);
      line = word;
      if (lines.length === maxLines) break;
    } else line = next;
  }
  if (lines.length < maxLines && line) lines.push(line);
  if (lines.length === maxLines) lines[maxLines - 1] = ellipsis(g, lines[maxLines - 1]!, maxWidth);
  return lines;
}

/**
 * A contact sheet with one frame per scene, numbered, with its timing and the start of its
 * narration: the picture a team looks at before approving. PNG.
 */
export async function composeStoryboard(req: StoryboardRequest): Promise<Buffer> {
  await registerCanvasFonts();
  const n = req.images.length;
  const cols = n <= 4 ? 2 : n <= 9 ? 3 : 4;
  const rows = Math.ceil(n / cols);
  const cellW = 300;
  const cellH = Math.round((cellW * 16) / 9);
  const textH = 96;
  const pad = 20;
  const header = 90;
  const width = cols * cellW + (cols + 1) * pad;
  const height = header + rows * (cellH + textH) + (rows + 1) * pad;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#111318';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#ffffff';
  g.font = '40px ShortsmithDisplay';
  g.textBaseline = 'middle';
  g.fillText(ellipsis(g, req.title, width - 2 * pad), pad, header / 2 + 6);
  const pictures = await Promise.all(req.images.map((path) => loadImage(path)));
  for (let i = 0; i < n; i++) {
    const x = pad + (i % cols) * (cellW + pad);
    const y = header + pad + Math.floor(i / cols) * (cellH + textH + pad);
    g.drawImage(pictures[i]!, x, y, cellW, cellH);
    g.fillStyle = 'rgba(0,0,0,0.65)';
    g.fillRect(x, y, 64, 48);
    g.fillStyle = '#ffffff';
    g.font = '30px ShortsmithDisplay';
    g.textBaseline = 'middle';
    g.fillText(String(i + 1), x + 14, y + 26);
    g.font = '17px ShortsmithCaption';
    g.fillStyle = '#9aa4b2';
    g.textBaseline = 'top';
    g.fillText(ellipsis(g, req.labels[i] ?? '', cellW), x, y + cellH + 8);
    g.fillStyle = '#e8ecf1';
    wrapLines(g, req.lines[i] ?? '', cellW, 3).forEach((line, k) => g.fillText(line, x, y + cellH + 32 + k * 21));
  }
  return encodeOpaquePng(g.getImageData(0, 0, width, height).data, width, height);
}

/** The video's cover: the opening scene's art with the hook in large type. JPEG. */
export async function composeThumbnail(req: ThumbnailRequest): Promise<Buffer> {
  await registerCanvasFonts();
  const { width: w, height: h } = req;
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  g.drawImage(await loadImage(req.image), 0, 0, w, h);
  const shade = g.createLinearGradient(0, h * 0.35, 0, h);
  shade.addColorStop(0, 'rgba(0,0,0,0)');
  shade.addColorStop(1, 'rgba(0,0,0,0.85)');
  g.fillStyle = shade;
  g.fillRect(0, 0, w, h);
  const s = w / 1080;
  g.font = `${Math.round(104 * s)}px ShortsmithDisplay`;
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  const lines = wrapLines(g, req.title.toUpperCase(), w * 0.84, 4);
  const lineH = 118 * s;
  // The hook starts under the art's key word and its underline (which ends ~5% of the height
  // below the word), a line's height lower, and runs down: four lines end near 76%.
  const top = h * (ART_TITLE.y + 0.12) + 104 * s * 0.75;
  lines.forEach((line, k) => {
    g.lineWidth = 12 * s;
    g.strokeStyle = '#000000';
    g.strokeText(line, w / 2, top + k * lineH);
    g.fillStyle = k === 0 ? req.accent : '#ffffff';
    g.fillText(line, w / 2, top + k * lineH);
  });
  return canvas.toBuffer('image/jpeg', 88);
}
