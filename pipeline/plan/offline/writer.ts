import { countWords } from '../estimates';
import { VISUAL_STYLES, type NichePack, type VisualStyle } from '../packs';
import type { Beat, BeatKind } from '../templates';
import type { TopicReading } from '../topic';
import { EXTENDERS, NARRATION, NUMBER_WORDS, ORDINALS, VISUALS } from './phrases';
import { shuffled } from './random';

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** The topic inside a sentence: lower-case first letter unless it is a name or acronym. */
function inline(reading: TopicReading): string {
  const t = reading.text;
  return /^\p{Lu}[\p{Ll}\s]/u.test(t) && !/^(I|I'm)\b/.test(t) ? t[0]!.toLowerCase() + t.slice(1) : t;
}

/**
 * Fills {Topic}, {topic}, {keyword}, {Keyword}, {n}, {nth} in a template line. The subject keeps
 * the article the topic gave it ("what the Roman empire would change"), except where the line
 * already puts a determiner before the slot ("The {keyword} mistake").
 */
export function fillSlots(line: string, reading: TopicReading, n?: number): string {
  return line
    .replaceAll('{Topic}', reading.headline)
    .replaceAll('{topic}', inline(reading))
    .replace(/\b(the|this|a|an|that|every|each|your|our) \{keyword\}/giu, (_m, det: string) => `${det} ${reading.keyword}`)
    .replaceAll('{Keyword}', capitalise(reading.subject))
    .replaceAll('{keyword}', reading.subject)
    .replaceAll('{n}', n === undefined ? '' : (NUMBER_WORDS[n] ?? String(n)))
    .replaceAll('{nth}', n === undefined ? 'next' : (ORDINALS[n] ?? `${n}th`));
}

const OVERLAY: Partial<Record<BeatKind, string>> = {
  context: 'THE BASICS', setup: 'IT BEGINS', rising: 'THEN…', twist: 'THE TWIST', payoff: 'THE ANSWER',
  myth: 'MYTH', fact: 'FACT', cta: 'FOLLOW FOR MORE',
};

/** Short on-screen text for a beat (a few words, upper-case). */
export function overlayFor(beat: Beat, reading: TopicReading): string {
  if (beat.kind === 'hook') return reading.keyword.toUpperCase().slice(0, 32);
  if (beat.kind === 'item' || beat.kind === 'detail') return `#${beat.n ?? ''}`;
  if (beat.kind === 'point') return `PART ${beat.n ?? ''}`;
  return OVERLAY[beat.kind] ?? '';
}

/** The image prompt: the beat's idea about the topic, in the pack's (or chosen) visual style. */
export function visualFor(beat: Beat, reading: TopicReading, pack: NichePack, style: VisualStyle | null, random: () => number): string {
  const ideas = VISUALS[beat.kind];
  const idea = fillSlots(ideas[Math.floor(random() * ideas.length)]!, reading, beat.n);
  return `${idea}, ${style ? VISUAL_STYLES[style] : pack.styleBible}, vertical 9:16 composition`;
}

/** Picks effects from the pack's allowed set so that neighbours differ, with emphasis where it helps. */
export function effectsFor(beats: Beat[], pack: NichePack, random: () => number): string[] {
  const allowed = pack.allowedEffects;
  const order = shuffled(allowed, random);
  const out: string[] = [];
  beats.forEach((b, i) => {
    let pick = order[i % order.length]!;
    if (b.kind === 'hook' && allowed.includes('slow_zoom_in')) pick = 'slow_zoom_in';
    if (b.kind === 'twist') pick = (['glitch', 'flash_cut'] as const).find((e) => allowed.includes(e)) ?? pick;
    if (i > 0 && pick === out[i - 1]) pick = order[(i + 1) % order.length]!;
    out.push(pick);
  });
  return out;
}

/** Sentences that open a scene for its beat (item beats announce their number first). */
function openingFor(beat: Beat, reading: TopicReading, pool: string[]): string[] {
  const first = fillSlots(pool.shift() ?? '', reading, beat.n);
  return first ? [first] : [];
}

/**
 * Writes narration for one scene, close to `budget` words: the beat's opening line, then more
 * lines from the beat's pool, then short extenders, never overshooting by more than ~20%.
 */
export function writeNarration(
  beat: Beat,
  budget: number,
  reading: TopicReading,
  pools: { beat: Map<BeatKind, string[]>; extenders: string[] },
  lead?: string,
): string {
  const sentences: string[] = lead ? [lead] : [];
  const pool = pools.beat.get(beat.kind) ?? [];
  if (!lead) sentences.push(...openingFor(beat, reading, pool));
  const words = () => countWords(sentences.join(' '));
  const follow = beat.kind === 'item' ? (pools.beat.get('detail') ?? []) : pool;
  while (words() < budget * 0.92) {
    const room = budget * 1.06 - words();
    const fromPool = follow.findIndex((s) => countWords(fillSlots(s, reading, beat.n)) <= room);
    if (fromPool >= 0) {
      sentences.push(fillSlots(follow.splice(fromPool, 1)[0]!, reading, beat.n));
      continue;
    }
    // Short filler reads as a beat in the middle of a story, but dangles after a hook or an ending.
    if (beat.kind === 'hook' || beat.kind === 'payoff' || beat.kind === 'cta') break;
    const ext = pools.extenders.findIndex((s) => countWords(s) <= room);
    if (ext < 0) break;
    sentences.push(pools.extenders.splice(ext, 1)[0]!);
    if (pools.extenders.length === 0) pools.extenders.push(...EXTENDERS);
  }
  return sentences.join(' ');
}

/** Fresh per-plan sentence pools, shuffled, so lines do not repeat within one video. */
export function makePools(random: () => number): { beat: Map<BeatKind, string[]>; extenders: string[] } {
  const beat = new Map<BeatKind, string[]>();
  for (const [kind, lines] of Object.entries(NARRATION)) beat.set(kind as BeatKind, shuffled(lines, random));
  return { beat, extenders: shuffled(EXTENDERS, random) };
}

/** Drops trailing sentences until the text fits `maxWords` (keeps at least the first one). */
export function trimToWords(text: string, maxWords: number): string {
  const sentences = text.match(/[^.!?…]+[.!?…]+["')\]]*\s*|[^.!?…]+$/g)?.map((s) => s.trim()) ?? [text];
  while (sentences.length > 1 && countWords(sentences.join(' ')) > maxWords) sentences.pop();
  const joined = sentences.join(' ');
  if (countWords(joined) <= maxWords) return joined;
  return `${joined.split(/\s+/).slice(0, maxWords).join(' ').replace(/[,;:]$/, '')}…`;
}
