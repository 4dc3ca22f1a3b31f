import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { makeRandom } from '../../plan/offline/random';
import type { ImageRequest } from './types';
import { registerCanvasFonts } from '../../media/fonts';

/** What offline art needs: an image request without the prompts (it draws, it does not imagine). */
export type ArtRequest = Omit<ImageRequest, 'prompt' | 'negativePrompt'>;


function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

type Motif = (g: SKRSContext2D, w: number, h: number, accent: string, mid: string, r: () => number) => void;

const MOTIFS: Motif[] = [
  // Orbs: soft glowing circles at different depths.
  (g, w, h, accent, mid, r) => {
    for (let i = 0; i < 14; i++) {
      const x = r() * w, y = r() * h, rad = 60 + r() * 320;
      const grad = g.createRadialGradient(x, y, 0, x, y, rad);
      grad.addColorStop(0, withAlpha(i % 3 ? mid : accent, 0.55));
      grad.addColorStop(1, withAlpha(mid, 0));
      g.fillStyle = grad;
      g.fillRect(x - rad, y - rad, rad * 2, rad * 2);
    }
  },
  // Rays from a focal point, like light through a window.
  (g, w, h, accent, _mid, r) => {
    const cx = w * (0.2 + r() * 0.6), cy = h * (0.15 + r() * 0.3);
    for (let i = 0; i < 22; i++) {
      const a = (i / 22) * Math.PI * 2 + r() * 0.1;
      g.beginPath();
      g.moveTo(cx, cy);
      g.lineTo(cx + Math.cos(a) * h * 1.5, cy + Math.sin(a) * h * 1.5);
      g.lineTo(cx + Math.cos(a + 0.06) * h * 1.5, cy + Math.sin(a + 0.06) * h * 1.5);
      g.closePath();
      g.fillStyle = withAlpha(accent, 0.05 + r() * 0.08);
      g.fill();
    }
  },
  // Diagonal bands.
  (g, w, h, accent, mid, r) => {
    g.save();
    g.translate(w / 2, h / 2);
    g.rotate(-0.5 + r() * 0.3);
    for (let i = -8; i < 8; i++) {
      g.fillStyle = withAlpha(i % 2 ? accent : mid, 0.08 + r() * 0.12);
      g.fillRect(-w * 1.5, i * 170 + r() * 40, w * 3, 60 + r() * 90);
    }
    g.restore();
  },
  // Concentric rings, off-centre.
  (g, w, h, accent, mid, r) => {
    const cx = w * (0.3 + r() * 0.4), cy = h * (0.3 + r() * 0.4);
    for (let i = 18; i > 0; i--) {
      g.beginPath();
      g.arc(cx, cy, i * 70, 0, Math.PI * 2);
      g.lineWidth = 6 + r() * 18;
      g.strokeStyle = withAlpha(i % 2 ? accent : mid, 0.1 + r() * 0.2);
      g.stroke();
    }
  },
  // Constellation: points joined by thin lines.
  (g, w, h, accent, _mid, r) => {
    const pts = Array.from({ length: 36 }, () => [r() * w, r() * h] as const);
    g.strokeStyle = withAlpha(accent, 0.25);
    g.lineWidth = 2;
    for (let i = 1; i < pts.length; i++) {
      const [x1, y1] = pts[i - 1]!, [x2, y2] = pts[i]!;
      if (Math.hypot(x2 - x1, y2 - y1) < 600) {
        g.beginPath(); g.moveTo(x1, y1); g.lineTo(x2, y2); g.stroke();
      }
    }
    for (const [x, y] of pts) {
      g.fillStyle = withAlpha(accent, 0.8);
      g.beginPath(); g.arc(x, y, 4 + r() * 8, 0, Math.PI * 2); g.fill();
    }
  },
];

function fitFont(g: SKRSContext2D, text: string, family: string, maxWidth: number, start: number): number {
  let size = start;
  g.font = `${size}px ${family}`;
  while (size > 40 && g.measureText(text).width > maxWidth) {
    size -= 6;
    g.font = `${size}px ${family}`;
  }
  return size;
}

/**
 * Where the key word sits (its middle, as a share of the height) and its largest size at 1080
 * wide; its underline ends 0.62 of the size plus 10 px below. A little above the middle: clear
 * of the on-screen label at the top even when a tilt lifts the picture by a sixth of its height
 * (at 0.36 a tilt's first or last frames put the word under the label), and of the captions.
 */
export const ART_TITLE = { y: 0.42, sizePx: 150 };

/**
 * Draws a scene's offline artwork: a gradient in the pack palette, one of several motifs, a
 * vignette and the scene's key words, composed for 9:16 with the text clear of the caption zone.
 * Returns JPEG bytes. CPU-heavy: call it from a worker thread.
 */
export async function drawArt(req: ArtRequest): Promise<Buffer> {
  await registerCanvasFonts();
  const { width: w, height: h } = req;
  const [dark, mid, accent] = req.palette;
  const r = makeRandom(req.seed);
  const canvas = createCanvas(w, h);
  const g = canvas.getContext('2d');
  const bg = g.createLinearGradient(0, 0, w * r(), h);
  bg.addColorStop(0, dark);
  bg.addColorStop(0.55 + r() * 0.2, mid);
  bg.addColorStop(1, dark);
  g.fillStyle = bg;
  g.fillRect(0, 0, w, h);
  MOTIFS[Math.floor(r() * MOTIFS.length)]!(g, w, h, accent, mid, r);

  const vignette = g.createRadialGradient(w / 2, h / 2, h * 0.2, w / 2, h / 2, h * 0.75);
  vignette.addColorStop(0, 'rgba(0,0,0,0)');
  vignette.addColorStop(1, 'rgba(0,0,0,0.6)');
  g.fillStyle = vignette;
  g.fillRect(0, 0, w, h);

  const s = w / 1080;
  const titleY = h * ART_TITLE.y;
  const title = req.title.toUpperCase();
  if (title) {
    const size = fitFont(g, title, 'ShortsmithDisplay', w * 0.8, Math.round(ART_TITLE.sizePx * s));
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.shadowColor = 'rgba(0,0,0,0.7)';
    g.shadowBlur = 30 * s;
    g.fillStyle = '#ffffff';
    g.fillText(title, w / 2, titleY);
    g.shadowBlur = 0;
    g.fillStyle = accent;
    g.fillRect(w / 2 - 90 * s, titleY + size * 0.62, 180 * s, 10 * s);
  }
  if (req.subtitle) {
    fitFont(g, req.subtitle, 'ShortsmithCaption', w * 0.78, Math.round(46 * s));
    g.fillStyle = withAlpha('#ffffff', 0.8);
    g.textAlign = 'center';
    g.fillText(req.subtitle, w / 2, titleY + 150 * s);
  }
  g.font = `${Math.round(34 * s)}px ShortsmithCaption`;
  g.fillStyle = withAlpha(accent, 0.9);
  g.textAlign = 'left';
  // Inside what every motion preset keeps in view: a pan travels over the outer sixth of the
  // width (180 px at 1080), so a number nearer the edge was cut off mid-scene.
  g.fillText(String(req.sceneNumber).padStart(2, '0'), 200 * s, h * 0.2);
  // JPEG at quality 95: the video is 4:2:0 H.264, so nothing it keeps is lost, and it encodes in
  // ~30 ms where PNG took ~270 ms (half of each picture's cost); the encoder's work is the same.
  return canvas.toBuffer('image/jpeg', 95);
}
