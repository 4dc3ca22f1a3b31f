import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, SubTitle, Title, type ChartConfiguration } from 'chart.js';
import { registerCanvasFonts } from '../media/fonts';
import { compact, MIN_VIDEOS, type Dimension } from './summary';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Title, SubTitle);

/** A phone-shaped picture: two charts, one above the other. */
export const CHART_SIZE = { width: 720, height: 960 };

const ACCENT = '#FFD60A';
const QUIET = '#5b6b82';

/** One horizontal bar chart of median views per group (groups with too few videos grey), handed to `use` while it exists. */
function panel(dim: Dimension, width: number, height: number, use: (drawn: Canvas) => void): void {
  const canvas = createCanvas(width, height);
  const groups = dim.groups.slice(0, 6);
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: groups.map((g) => `${g.label} (${g.videos})`),
      datasets: [{
        data: groups.map((g) => g.medianViews),
        backgroundColor: groups.map((g) => (g === dim.best ? ACCENT : g.videos >= MIN_VIDEOS ? '#9fb3c8' : QUIET)),
        borderRadius: 6,
      }],
    },
    options: {
      indexAxis: 'y', responsive: false, animation: false, devicePixelRatio: 1,
      layout: { padding: 24 },
      plugins: {
        legend: { display: false },
        title: { display: true, text: `${dim.title}: median views (videos)`, color: '#ffffff', font: { size: 26 } },
        subtitle: { display: true, text: `yellow: the best with ${MIN_VIDEOS}+ videos · dark: too few to tell`, color: '#c8d3e0', font: { size: 16 }, padding: { bottom: 8 } },
      },
      scales: {
        x: { beginAtZero: true, ticks: { color: '#c8d3e0', font: { size: 18 }, callback: (v) => compact(Number(v)) }, grid: { color: '#2a3442' } },
        y: { ticks: { color: '#ffffff', font: { size: 20 } }, grid: { display: false } },
      },
    },
    plugins: [{ id: 'background', beforeDraw: (c) => { c.ctx.save(); c.ctx.fillStyle = '#0b1e3f'; c.ctx.fillRect(0, 0, c.width, c.height); c.ctx.restore(); } }],
  };
  // chart.js draws on the canvas it is given; in Node that is @napi-rs/canvas (no DOM: its basic platform).
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    use(canvas);
  } finally {
    // (destroy clears the canvas: the picture is copied out first.)
    chart.destroy();
  }
}

/**
 * The stats picture a chat gets: median views by hook style (top) and by posting time (bottom),
 * the winner highlighted, groups with too few videos in grey, each label with its video count.
 * PNG, 720x960, drawn by chart.js on @napi-rs/canvas with the bundled font.
 */
export async function statsChartPng(dims: Dimension[]): Promise<Buffer> {
  await registerCanvasFonts();
  Chart.defaults.font.family = 'ShortsmithCaption';
  const { width, height } = CHART_SIZE;
  const out = createCanvas(width, height);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#0b1e3f';
  ctx.fillRect(0, 0, width, height);
  const shown = (['hook', 'hour'] as const).map((name) => dims.find((d) => d.name === name)!).filter((d) => d.groups.length);
  shown.forEach((dim, i) => panel(dim, width, height / 2, (drawn) => ctx.drawImage(drawn, 0, (i * height) / 2)));
  return out.toBuffer('image/png');
}
