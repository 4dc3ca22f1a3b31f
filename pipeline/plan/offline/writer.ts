import { countWords } from '../estimates';
import { VISUAL_STYLES, type NichePack, type VisualStyle } from '../packs';
import type { Beat, BeatKind } from '../templates';
import type { TopicReading } from '../topic';
import {
  answerKind, BEAT_LINES, EXTENDERS, FACT_MORE, MYTH_MORE, MYTHS, NUMBER_ONE, NUMBER_WORDS, ORDINALS, OVERLAYS, PART_AGAIN, PART_FOLLOW_UPS, PARTS, VISUALS,
  type AnswerPart,
} from './phrases';
import { shuffled } from './random';

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);
const numberWord = (n: number) => NUMBER_WORDS[n] ?? String(n);

/** "a, b and c" */
export function listPhrase(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What a scene's lines may refer to beyond the topic. */
export interface SlotContext {
  n?: number;
  part?: string;
  parts?: string;
}

/**
 * Fills a template line's slots (see phrases.ts) from the topic reading: the subject as the
 * topic names it, the question as a sentence or a phrase, pronouns and verbs agreeing with the
 * subject's number; a named person is named again where a line would say "it".
 */
export function fillSlots(line: string, reading: TopicReading, context: SlotContext = {}): string {
  const pronoun = (single: string, plural: string) => (reading.person ? reading.subject : reading.plural ? plural : single);
  const values: Record<string, string> = {
    subject: reading.subject, Subject: capitalise(reading.subject), keyword: reading.keyword,
    Question: reading.question, question: lowerFirst(reading.question), about: reading.about,
    items: reading.items ?? `things worth knowing about ${reading.subject}`,
    n: context.n === undefined ? '' : numberWord(context.n),
    nth: context.n === undefined ? 'next' : (ORDINALS[context.n] ?? `${context.n}th`),
    part: context.part ?? 'the answer', Part: capitalise(context.part ?? 'the answer'), parts: context.parts ?? 'each part',
    it: pronoun('it', 'they'), It: capitalise(pronoun('it', 'they')), them: pronoun('it', 'them'),
    its: reading.person ? `${reading.subject}'s` : reading.plural ? 'their' : 'its',
  };
  return line.replace(/\{([^{}|]*)\|([^{}|]*)\}|\{(\w+)\}/g, (whole, single?: string, plural?: string, name?: string) =>
    name !== undefined ? (values[name] ?? whole) : reading.plural ? plural! : single!);
}

/** What one scene says and shows, before it is cut to its word budget. */
export interface SceneScript {
  /** Filled sentences, in the order they should be spoken; the first opens the scene. */
  lines: string[];
  /** Sentences that may follow once those are spoken, in any order. */
  more: string[];
  /** On-screen text: the part of the answer, the item's number, or the subject. */
  overlay: string;
  /** The part of the answer the scene covers, for the outline. */
  part?: string;
}

/** The parts of the answer, with a list's items numbered. */
function partsFor(reading: TopicReading, count: number): AnswerPart[] {
  const kind = answerKind(reading.form);
  if (kind !== 'list') return PARTS[kind];
  return Array.from({ length: Math.min(count, reading.count ?? 5, 10) }, (_, k) => ({
    label: `the ${ORDINALS[k + 1]} one`,
    lines: [`The ${ORDINALS[k + 1]} of the {items}.`, ...(BEAT_LINES.detail ?? []).slice(0, 2)],
  }));
}

const PART_BEATS: BeatKind[] = ['point', 'setup', 'rising'];

/**
 * Writes the script's lines beat by beat: parts of the answer go, in order, to the scenes that
 * carry the explanation (points, or a story's setup and rising action); a part that spans several
 * scenes continues with follow-up lines; the context scene restates the question and names the
 * parts; the payoff puts them together.
 */
export function scriptFor(beats: Beat[], reading: TopicReading, hook: string, random: () => number): SceneScript[] {
  const carriers = beats.filter((b) => PART_BEATS.includes(b.kind)).length;
  const parts = partsFor(reading, Math.max(carriers, 1));
  // A video without explaining scenes (a countdown, myths and facts) still names three parts in
  // passing; one with fewer scenes than parts covers the first and some of the others, in order,
  // a different few each time the script is written again. A part's later lines come in any order.
  const keep = carriers === 0 ? 3 : Math.min(carriers, parts.length);
  // The first part always comes first: its line is the one that opens an explanation ("Start with…").
  const chosen = new Set([0, ...shuffled(parts.map((_p, i) => i).slice(1), random).slice(0, keep - 1)]);
  const used = parts.filter((_p, i) => chosen.has(i)).map((p) => ({ ...p, lines: [p.lines[0]!, ...shuffled(p.lines.slice(1), random)] }));
  const labels = used.map((p) => p.label);
  const list = answerKind(reading.form) === 'list';
  const partsPhrase = list ? `${numberWord(used.length)} of them` : listPhrase(labels.slice(0, 3));
  const followUps = shuffled(PART_FOLLOW_UPS, random);
  const again = shuffled(PART_AGAIN, random);
  // Detail lines take turns across items: each item starts where the last one's first choice
  // ended, so the same template does not open every item.
  const details = shuffled(BEAT_LINES.detail ?? [], random);
  let detail = 0;
  const nextDetails = (k: number, n?: number) => {
    const start = detail;
    detail += 2;
    return Array.from({ length: k }, (_x, j) => details[(start + j) % details.length]!).map((l) => fillSlots(l, reading, { n }));
  };
  let items = 0;
  let carrier = 0;
  let lastPart = -1;
  return beats.map((beat) => {
    const fill = (line: string, context: SlotContext = {}) => fillSlots(line, reading, { n: beat.n, parts: partsPhrase, part: used[0]?.label, ...context });
    if (PART_BEATS.includes(beat.kind)) {
      const index = Math.min(used.length - 1, Math.floor((carrier++ * used.length) / Math.max(carriers, 1)));
      const part = used[index]!;
      const continuing = index === lastPart;
      lastPart = index;
      // A part's second scene goes on where its first stopped: its later lines, then follow-ups.
      const own = continuing ? [again[carrier % again.length]!, ...part.lines.slice(1).reverse()] : part.lines;
      // Follow-ups take turns, so a long video does not repeat one after every part.
      const more = (continuing ? followUps : [followUps[carrier % followUps.length]!]).map((l) => fill(l, { part: part.label }));
      return { lines: own.map((l) => fill(l, { part: part.label })), more, overlay: part.label, part: part.label };
    }
    if (beat.kind === 'myth' || beat.kind === 'fact') {
      const pair = MYTHS[((beat.n ?? 1) - 1) % MYTHS.length]!;
      const lines = pair.lines[beat.kind === 'myth' ? 0 : 1];
      return { lines: lines.map((l) => fill(l)), more: (beat.kind === 'myth' ? MYTH_MORE : FACT_MORE).map((l) => fill(l)), overlay: `${beat.kind} ${beat.n ?? ''}: ${beat.kind === 'myth' ? pair.myth : pair.fact}`.replace(/ +:/, ':') };
    }
    if (beat.kind === 'item') {
      const openings = BEAT_LINES.item ?? [];
      const opening = beat.n === 1 ? NUMBER_ONE : openings[Math.min(items++, openings.length - 1)]!;
      return { lines: [fill(opening)], more: nextDetails(details.length, beat.n), overlay: `#${beat.n ?? ''}` };
    }
    if (beat.kind === 'detail') return { lines: nextDetails(1, beat.n), more: nextDetails(details.length, beat.n), overlay: `#${beat.n ?? ''}` };
    if (beat.kind === 'context') {
      // The hook may already have asked the question: then the context goes straight to the parts.
      const asked = hook.includes(reading.question);
      const opening = list ? (asked ? 'Here they are, one at a time.' : '{Question} Here they are, one at a time.') : asked ? 'To answer that, look at {parts}.' : '{Question} To answer it, look at {parts}.';
      return { lines: [opening, ...(BEAT_LINES.context ?? [])].map((l) => fill(l)), more: [], overlay: OVERLAYS.context! };
    }
    // A list's payoff counts what it covered rather than pointing at parts.
    const own = beat.kind === 'payoff' && list ? ['So, {question} Those are {parts}, and each one is worth a closer look.', ...(BEAT_LINES.payoff ?? []).slice(2)] : (BEAT_LINES[beat.kind] ?? []);
    const lines = own.map((l) => fill(l));
    return { lines, more: [], overlay: beat.kind === 'hook' ? reading.keyword : (OVERLAYS[beat.kind] ?? reading.keyword) };
  });
}

/** Short on-screen text (upper-case, cut at a word to 32 characters). */
export function overlayText(text: string): string {
  const upper = text.toUpperCase();
  if (upper.length <= 32) return upper;
  return upper.slice(0, 33).replace(/\s+\S*$/, '').replace(/[\s,:;-]+$/, '') || upper.slice(0, 32);
}

/** The image prompt: the beat's idea about the topic, in the pack's (or chosen) visual style. */
export function visualFor(beat: Beat, reading: TopicReading, pack: NichePack, style: VisualStyle | null, random: () => number): string {
  const ideas = VISUALS[beat.kind];
  const idea = fillSlots(ideas[Math.floor(random() * ideas.length)]!, reading, { n: beat.n });
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

/** Extra lines a plan may add to its middle scenes, filled for the topic, in a per-plan order. */
export function extendersFor(reading: TopicReading, random: () => number): string[] {
  return shuffled(EXTENDERS, random).map((l) => fillSlots(l, reading));
}

/**
 * Writes one scene's narration close to `budget` words: its own lines in order (the first always,
 * the rest while they fit), then — once those are spoken — its optional lines and (in the middle
 * of a video only) extenders, in whatever order fits, never overshooting by more than ~6%.
 * Sentences already spoken elsewhere in the video are skipped.
 */
export function writeNarration(scene: Pick<SceneScript, 'lines' | 'more'>, budget: number, extenders: string[] | null, spoken: Set<string>, lead?: string): string {
  const sentences: string[] = lead ? [lead] : [];
  const words = () => countWords(sentences.join(' '));
  const say = (line: string) => {
    sentences.push(line);
    spoken.add(line);
  };
  const fits = (line: string) => !spoken.has(line) && countWords(line) <= budget * 1.06 - words();
  const own = scene.lines.filter((l) => !spoken.has(l));
  if (!lead && own.length) say(own.shift()!);
  while (own.length && words() < budget * 0.92 && fits(own[0]!)) say(own.shift()!);
  // A line of its own that did not fit waits for the top-up rather than being skipped.
  if (own.length) return sentences.join(' ');
  for (const pool of [scene.more, extenders ?? []]) {
    for (const line of pool) if (words() < budget * 0.92 && fits(line)) say(line);
  }
  // A very long video can run out of fresh lines: a scene then repeats its own opening rather than stay silent.
  if (sentences.length === 0 && scene.lines[0]) say(scene.lines[0]);
  return sentences.join(' ');
}

/** Drops trailing sentences until the text fits `maxWords` (keeps at least the first one). */
export function trimToWords(text: string, maxWords: number): string {
  const sentences = text.match(/[^.!?…]+[.!?…]+["')\]]*\s*|[^.!?…]+$/g)?.map((s) => s.trim()) ?? [text];
  while (sentences.length > 1 && countWords(sentences.join(' ')) > maxWords) sentences.pop();
  const joined = sentences.join(' ');
  if (countWords(joined) <= maxWords) return joined;
  return `${joined.split(/\s+/).slice(0, maxWords).join(' ').replace(/[,;:]$/, '')}…`;
}
