import { VISUAL_SOURCES, type VisualSource } from '../../core/config';
import { z } from 'zod';
import { UserError } from '../../core/errors';
import { isEngineVoiceName } from '../providers/speech/voices';
import { PACK_IDS, TARGET_LENGTHS, TEMPOS, VISUAL_STYLES, VOICES, getPack } from './packs';

/** Languages the planner and voices support (ISO 639-1). */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'nl', 'pl', 'tr', 'hi', 'ja', 'ko', 'zh'] as const;

export const TOPIC_MAX = 500;

/** C0/C1 controls, bidi overrides/isolates and zero-width characters that can hide or reorder text. */
export const HIDDEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;
// Characters that are markup or caption/filter syntax somewhere along our path (ASS, ffmpeg, chat markdown).
const MARKUP_CHARS = /[{}\\<>`|]/;
const FILTER_LABEL = /\[[^\]\s]*:[^\]\s]*\]/;

/**
 * Checks and normalises a topic: 1–500 characters of plain text. Throws a UserError that says
 * what to change; nothing is written before this passes.
 */
export function parseTopic(raw: unknown): string {
  if (typeof raw !== 'string') throw new UserError('topic_missing', 'Give a topic, e.g. "why octopuses have three hearts".');
  const text = raw.normalize('NFC').replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  if (HIDDEN_CHARS.test(text)) {
    throw new UserError('topic_control_chars', 'The topic contains invisible control characters. Type it again as plain text.');
  }
  if (text.length === 0) throw new UserError('topic_empty', 'The topic is empty. Give one, e.g. "why octopuses have three hearts".');
  if ([...text].length > TOPIC_MAX) {
    throw new UserError('topic_too_long', `The topic is ${[...text].length} characters; the limit is ${TOPIC_MAX}. Shorten it to the core idea.`);
  }
  if (MARKUP_CHARS.test(text) || FILTER_LABEL.test(text)) {
    throw new UserError('topic_markup', 'Topics are plain text: remove markup and special characters ({ } \\ < > ` |).');
  }
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError('topic_no_words', 'The topic needs at least one word.');
  return text;
}

function oneOf<T extends string | number>(name: string, values: readonly T[], raw: unknown): T {
  const found = values.find((v) => String(v) === String(raw).trim().toLowerCase());
  if (found === undefined) throw new UserError(`unknown_${name}`, `Unknown ${name} "${String(raw)}". Valid values: ${values.join(', ')}.`);
  return found;
}

/**
 * A preset (alloy, echo, fable, onyx, nova, shimmer) or an engine's own voice name
 * (en-GB-SoniaNeural for Edge, af_bella for Kokoro, 3 for a sherpa speaker): letters, digits and
 * `_ - . :` only, so a name can never carry markup or arguments.
 */
export function parseVoice(raw: unknown): string {
  const text = String(raw).trim();
  const preset = VOICES.find((v) => v === text.toLowerCase());
  if (preset) return preset;
  if (isEngineVoiceName(text)) return text;
  throw new UserError('unknown_voice', `Unknown voice "${text.slice(0, 40)}". Use ${VOICES.join(', ')}, or a voice name of the bot's voice engine (e.g. en-GB-SoniaNeural with Edge).`);
}

export interface ProjectOptions {
  topic: string;
  nichePackId: string;
  targetLengthSec: number;
  tempo: (typeof TEMPOS)[number];
  /** One of the six presets, or a voice of the configured engine by its own name. */
  voicePreset: string;
  language: (typeof LANGUAGES)[number];
  visualStylePreset: keyof typeof VISUAL_STYLES | null;
  /** What the scenes show (stock footage, AI pictures, offline art); null: the chat's default, else VISUALS. */
  visuals: VisualSource | null;
}

export const rawOptionsSchema = z.object({
  topic: z.unknown(),
  niche: z.unknown().optional(),
  length: z.unknown().optional(),
  tempo: z.unknown().optional(),
  voice: z.unknown().optional(),
  language: z.unknown().optional(),
  style: z.unknown().optional(),
  visuals: z.unknown().optional(),
});
export type RawOptions = z.infer<typeof rawOptionsSchema>;

/** Parses user-supplied project options, filling defaults; every error lists the valid values. */
export function parseProjectOptions(raw: RawOptions, defaults: Partial<Omit<ProjectOptions, 'topic'>> = {}): ProjectOptions {
  const nichePackId = raw.niche === undefined ? (defaults.nichePackId ?? 'facts') : oneOf('niche', PACK_IDS, raw.niche);
  getPack(nichePackId);
  return {
    topic: parseTopic(raw.topic),
    nichePackId,
    targetLengthSec: raw.length === undefined ? (defaults.targetLengthSec ?? 60) : oneOf('length', TARGET_LENGTHS, raw.length),
    tempo: raw.tempo === undefined ? (defaults.tempo ?? 'normal') : oneOf('tempo', TEMPOS, raw.tempo),
    voicePreset: raw.voice === undefined ? (defaults.voicePreset ?? 'alloy') : parseVoice(raw.voice),
    language: raw.language === undefined ? (defaults.language ?? 'en') : oneOf('language', LANGUAGES, raw.language),
    visualStylePreset:
      raw.style === undefined || raw.style === null ? (defaults.visualStylePreset ?? null) : oneOf('style', Object.keys(VISUAL_STYLES) as (keyof typeof VISUAL_STYLES)[], raw.style),
    visuals: raw.visuals === undefined || raw.visuals === null ? (defaults.visuals ?? null) : oneOf('visuals', VISUAL_SOURCES, raw.visuals),
  };
}
