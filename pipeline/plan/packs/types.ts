/** The ten motion presets of the data model, in its order. */
export const EFFECT_PRESETS = [
  'slow_zoom_in', 'slow_zoom_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down',
  'flash_cut', 'fade', 'glitch', 'static',
] as const;
export type EffectPreset = (typeof EFFECT_PRESETS)[number];

export const TARGET_LENGTHS = [60, 90, 120, 180] as const;
export type TargetLength = (typeof TARGET_LENGTHS)[number];

export const TEMPOS = ['slow', 'normal', 'fast'] as const;
export type Tempo = (typeof TEMPOS)[number];

/** Words per minute by tempo (as in the seed). */
export const WPM: Record<Tempo, number> = { slow: 120, normal: 150, fast: 180 };

export const VOICES = ['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer'] as const;
export type Voice = (typeof VOICES)[number];

export const SCRIPT_TEMPLATES = ['top5', 'myth_vs_fact', 'storytime', 'free_form'] as const;
export type ScriptTemplateId = (typeof SCRIPT_TEMPLATES)[number];

/** Visual style presets a project may set to override its pack's look. */
export const VISUAL_STYLES = {
  cinematic: 'cinematic photography, anamorphic lighting, shallow depth of field, film grain',
  documentary: 'natural documentary photography, true-to-life colour, soft daylight',
  anime: 'anime key visual, clean line art, cel shading, vivid sky',
  watercolor: 'loose watercolour illustration, paper texture, soft washes',
  neon: 'neon-lit night scene, magenta and cyan glow, wet reflections',
  minimal: 'minimal flat vector illustration, generous negative space, two-tone palette',
  comic: 'bold comic-book panel, halftone shading, thick ink outlines',
} as const;
export type VisualStyle = keyof typeof VISUAL_STYLES;

export interface ScenePacing {
  minScenes: number;
  maxScenes: number;
  minSceneSec: number;
  maxSceneSec: number;
}

export interface CaptionStyle {
  /** Bundled font role: caption (Montserrat ExtraBold) or display (Anton). */
  font: 'caption' | 'display';
  sizePx: number;
  /** #RRGGBB colours. */
  primary: string;
  highlight: string;
  outline: string;
  marginBottomPx: number;
  uppercase: boolean;
}

export interface NichePack {
  id: string;
  name: string;
  /** One line a user sees when choosing. */
  description: string;
  tone: string;
  styleBible: string;
  negativePrompt: string;
  hookRules: { maxWords: number; guidance: string };
  captionStyle: CaptionStyle;
  /** Background palette for offline art: dark, mid, accent. */
  palette: [string, string, string];
  allowedEffects: EffectPreset[];
  /** The tags this niche's audience follows, after the topic's own (without `#`). */
  tags: string[];
  musicMood: 'tense' | 'bright' | 'uplifting' | 'calm' | 'driving' | 'mysterious';
  defaultTemplate: ScriptTemplateId;
  pacing: Record<TargetLength, ScenePacing>;
  /** Offline planner: hook templates ({Question}, {subject}, {Subject}, {single|plural}; see offline/phrases.ts). */
  hookTemplates: string[];
  /** Offline planner: the call to action that closes a video. */
  outro: string[];
}
