/**
 * The project's voice names (OpenAI's: alloy, echo, …) mapped to a close voice of each engine, by
 * language where the engine has several. A name that is not one of the six is taken as the
 * engine's own voice (an Edge voice such as `en-US-AndrewNeural`, a Kokoro voice such as `af_bella`,
 * a speaker number for a multi-speaker sherpa model) and passed through unchanged.
 */
export const PRESETS = ['alloy', 'echo', 'fable', 'onyx', 'nova', 'shimmer'] as const;
type Preset = (typeof PRESETS)[number];

const isPreset = (v: string): v is Preset => (PRESETS as readonly string[]).includes(v);

/** Which presets sound female (the others male), to pick an Edge voice in other languages. */
const FEMALE = new Set<Preset>(['alloy', 'nova', 'shimmer']);

/** English Edge voices chosen to sound like the OpenAI voice of the same name. */
const EDGE_EN: Record<Preset, string> = {
  alloy: 'en-US-AvaNeural',
  echo: 'en-US-AndrewNeural',
  fable: 'en-GB-RyanNeural',
  onyx: 'en-US-ChristopherNeural',
  nova: 'en-US-JennyNeural',
  shimmer: 'en-US-AriaNeural',
};

/** A female and a male Edge voice per language code we plan in. */
const EDGE_BY_LANGUAGE: Record<string, [string, string]> = {
  es: ['es-ES-ElviraNeural', 'es-ES-AlvaroNeural'],
  fr: ['fr-FR-DeniseNeural', 'fr-FR-HenriNeural'],
  de: ['de-DE-KatjaNeural', 'de-DE-ConradNeural'],
  it: ['it-IT-ElsaNeural', 'it-IT-DiegoNeural'],
  pt: ['pt-BR-FranciscaNeural', 'pt-BR-AntonioNeural'],
  nl: ['nl-NL-ColetteNeural', 'nl-NL-MaartenNeural'],
  pl: ['pl-PL-ZofiaNeural', 'pl-PL-MarekNeural'],
  tr: ['tr-TR-EmelNeural', 'tr-TR-AhmetNeural'],
  hi: ['hi-IN-SwaraNeural', 'hi-IN-MadhurNeural'],
  ja: ['ja-JP-NanamiNeural', 'ja-JP-KeitaNeural'],
  ko: ['ko-KR-SunHiNeural', 'ko-KR-InJoonNeural'],
  zh: ['zh-CN-XiaoxiaoNeural', 'zh-CN-YunxiNeural'],
};

/** Kokoro voices with the OpenAI names (Kokoro-FastAPI's own voice list). */
const KOKORO: Record<Preset, string> = {
  alloy: 'af_alloy', echo: 'am_echo', fable: 'bm_fable', onyx: 'am_onyx', nova: 'af_nova', shimmer: 'af_heart',
};

/** The Edge voice for a project voice in a language. */
export function edgeVoice(voice: string, language: string): string {
  if (!isPreset(voice)) return voice;
  if (language === 'en' || !EDGE_BY_LANGUAGE[language]) return EDGE_EN[voice];
  const [female, male] = EDGE_BY_LANGUAGE[language]!;
  return FEMALE.has(voice) ? female : male;
}

/** The voice name an OpenAI-compatible speech server gets: Kokoro's own names for Kokoro models. */
export function openaiVoice(voice: string, model: string): string {
  if (!isPreset(voice)) return voice;
  return /kokoro/i.test(model) ? KOKORO[voice] : voice;
}

/** A speaker number for a multi-speaker model: presets in order, or a number given as the voice. */
export function speakerId(voice: string, speakers: number): number {
  const n = isPreset(voice) ? PRESETS.indexOf(voice) : Number.parseInt(voice, 10);
  return Number.isFinite(n) && n >= 0 ? n % Math.max(1, speakers) : 0;
}

/** Whether a voice name could be an engine's own: letters, digits, `_`, `-`, `:` and `.`, up to 64. */
export function isEngineVoiceName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(name);
}

/** Other Edge voices people ask for by name (Edge has hundreds; any valid name works). */
const EDGE_MORE = ['en-US-EmmaNeural', 'en-US-BrianNeural', 'en-US-GuyNeural', 'en-US-MichelleNeural', 'en-US-EricNeural', 'en-GB-SoniaNeural', 'en-GB-LibbyNeural', 'en-AU-NatashaNeural', 'en-AU-WilliamNeural', 'en-IN-NeerjaNeural', 'en-CA-ClaraNeural'];

/** Kokoro's voices (Kokoro-FastAPI, sherpa's Kokoro models): American and British, female and male. */
const KOKORO_MORE = ['af_bella', 'af_sarah', 'af_nicole', 'af_sky', 'am_adam', 'am_michael', 'am_puck', 'bf_emma', 'bf_isabella', 'bm_george', 'bm_lewis'];

/** Flite's own voice names (the offline English voice). */
export const FLITE_VOICES = ['slt', 'rms', 'awb'];

/**
 * The voices a project can name for an engine, besides the six presets: the engine's own names
 * where it has a list (Edge, Kokoro, Flite), speaker numbers for sherpa models.
 */
export function engineVoices(engine: string, model = ''): string[] {
  switch (engine) {
    case 'edge':
      return [...new Set([...Object.values(EDGE_EN), ...EDGE_MORE, ...Object.values(EDGE_BY_LANGUAGE).flat()])];
    case 'openai':
      return /kokoro/i.test(model) ? [...Object.values(KOKORO), ...KOKORO_MORE] : [];
    case 'sherpa':
      return Array.from({ length: 10 }, (_, i) => String(i));
    case 'offline':
      return FLITE_VOICES;
    default:
      return [];
  }
}

/** Up to 25 voice suggestions for what a person has typed so far (Discord's autocomplete limit). */
export function voiceSuggestions(engine: string, model: string, typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  return [...PRESETS, ...engineVoices(engine, model)].filter((v) => v.toLowerCase().includes(needle)).slice(0, 25);
}
