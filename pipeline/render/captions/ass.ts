import type { CaptionStyle } from '../../plan/packs';
import type { WordTiming } from '../../media/words';
import { assColor, assTime, escapeAssText } from './escape';
import { pageWords, type CaptionPage } from './pages';

export interface CaptionScene {
  start: number;
  end: number;
  onScreenText: string;
  effectPreset: string;
}

export interface AssInput {
  width: number;
  height: number;
  style: CaptionStyle;
  /** Font family names as the bundled TTF files declare them. */
  families: { caption: string; display: string };
  scenes: CaptionScene[];
  /** Spoken words with absolute times. */
  words: WordTiming[];
}

/**
 * Safe zone on a 1080x1920 frame (platform buttons and overlays): keep text out of the top
 * 250 px, the bottom 450 px and the right 150 px; captions sit around y 1100–1400 and are at
 * most 900 px wide. Everything scales with the frame width.
 */
export const SAFE = { top: 250, bottom: 450, right: 150, left: 90, captionMaxWidth: 900 };

/** Approximate glyph width as a share of font size, for line breaking (bold display faces). */
const CHAR_WIDTH = 0.62;

export function captionLayout(width: number, style: CaptionStyle) {
  const s = width / 1080;
  const fontSize = Math.round(style.sizePx * s);
  const marginL = Math.round(SAFE.left * s);
  const marginR = Math.round(SAFE.right * s);
  const usable = Math.min(width - marginL - marginR, Math.round(SAFE.captionMaxWidth * s));
  return { s, fontSize, marginL, marginR, maxLineChars: Math.max(8, Math.floor(usable / (fontSize * CHAR_WIDTH))) };
}

function dialogue(layer: number, start: number, end: number, style: string, text: string): string {
  return `Dialogue: ${layer},${assTime(start)},${assTime(end)},${style},,0,0,0,,${text}`;
}

/**
 * One event per spoken word: the page's lines with that word in the highlight colour and a
 * heavier outline. Not a bigger size: scaling a word widens its line, and a centred line would
 * then shift every other word sideways at each change (by 4-9 px at 1080 wide, measured); an
 * outline does not move anything.
 */
function pageEvents(page: CaptionPage, style: CaptionStyle, highlight: string, popOutline: number): string[] {
  const words = page.lines.flat();
  const shown = (w: WordTiming) => escapeAssText(style.uppercase ? w.word.toUpperCase() : w.word);
  return words.map((current, i) => {
    const until = i + 1 < words.length ? words[i + 1]!.start : page.end;
    const text = page.lines
      .map((line) => line.map((w) => (w === current ? `{\\c${highlight}\\bord${popOutline}}${shown(w)}{\\r}` : shown(w))).join(' '))
      .join('\\N');
    return dialogue(1, i === 0 ? page.start : current.start, Math.max(until, current.start + 0.05), 'Caption', text);
  });
}

function rect(w: number, h: number, color: string, alpha: number): string {
  return `{\\an7\\pos(0,0)\\p1\\bord0\\shad0\\1c${assColor(color)}\\1a&H${alpha.toString(16).padStart(2, '0').toUpperCase()}&}m 0 0 l ${w} 0 ${w} ${h} 0 ${h}{\\p0}`;
}

function transitionEvents(scene: CaptionScene, input: AssInput): string[] {
  const { width: w, height: h } = input;
  const out: string[] = [];
  // Fades from and to black are `fade` filters in the video graph: a full-frame rectangle here
  // cost libass a 2-megapixel blend on every frame of the fade. The white flash stays here (the
  // fade filter would convert every frame to RGB for a colour other than black).
  if (scene.effectPreset === 'flash_cut') out.push(dialogue(5, scene.start, scene.start + 0.3, 'Overlay', `{\\fad(0,260)}${rect(w, h, '#FFFFFF', 0)}`));
  if (scene.effectPreset === 'glitch') {
    // Three short bursts of offset colour bars in the first second.
    [0.05, 0.4, 0.85].forEach((t, k) => {
      const y = Math.round(h * (0.2 + 0.25 * k));
      const bar = `{\\an7\\pos(0,${y})\\p1\\bord0\\shad0\\1c${assColor(k % 2 ? '#00FFFF' : '#FF00FF')}\\1a&H70&}m 0 0 l ${w} 0 ${w} ${Math.round(h * 0.04)} 0 ${Math.round(h * 0.04)}{\\p0}`;
      out.push(dialogue(4, scene.start + t, scene.start + t + 0.1, 'Overlay', bar));
    });
  }
  return out;
}

/**
 * Builds the ASS subtitle file: word-by-word highlighted captions (at most two lines, inside
 * the safe zone, in the pack's style), each scene's on-screen text near the top, and the
 * transitions that are drawn rather than filtered (white flash, glitch bars).
 * All user text is escaped so it shows literally.
 */
export function buildAss(input: AssInput): string {
  const { width, height, style } = input;
  const layout = captionLayout(width, style);
  const family = style.font === 'display' ? input.families.display : input.families.caption;
  const highlight = assColor(style.highlight);
  // A 6 px outline and no drop shadow: side by side with a 5 px outline plus a 2 px half-black
  // shadow it reads the same on light and dark art, and the shadow was a third of what burning
  // the captions in costs (libass hands ffmpeg one more full-size bitmap per text run).
  const outline = Math.max(2, Math.round(6 * layout.s));
  const popOutline = Math.max(outline + 1, Math.round(8 * layout.s));
  const captionMarginV = Math.max(Math.round(SAFE.bottom * layout.s), Math.round(style.marginBottomPx * layout.s));
  const topMarginV = Math.round((SAFE.top + 90) * layout.s);
  const header = [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 2',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: TV.709',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: Caption,${family},${layout.fontSize},${assColor(style.primary)},${assColor(style.primary)},${assColor(style.outline)},${assColor('#000000', 0x80)},0,0,0,0,100,100,0,0,1,${outline},0,2,${layout.marginL},${layout.marginR},${captionMarginV},1`,
    `Style: OnScreen,${input.families.display},${Math.round(layout.fontSize * 1.15)},${assColor('#FFFFFF')},${assColor('#FFFFFF')},${assColor(style.highlight)},${assColor(style.highlight, 0x30)},0,0,0,0,100,100,2,0,3,${Math.round(14 * layout.s)},0,8,${layout.marginL},${layout.marginR},${topMarginV},1`,
    `Style: Overlay,${family},10,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ];
  const events: string[] = [];
  input.scenes.forEach((scene) => {
    events.push(...transitionEvents(scene, input));
    const text = scene.onScreenText.trim();
    if (text && scene.end - scene.start > 0.8) {
      events.push(dialogue(2, scene.start + 0.15, scene.end - 0.1, 'OnScreen', `{\\fad(120,120)}${escapeAssText(text.toUpperCase())}`));
    }
  });
  const pages = pageWords(input.words, { maxLineChars: layout.maxLineChars, maxLines: 2, breakGapSec: 0.6 });
  for (const page of pages) events.push(...pageEvents(page, style, highlight, popOutline));
  return `${[...header, ...events].join('\n')}\n`;
}
