import { UserError } from '../../../core/errors';
import { countWords, wordBudget } from '../estimates';
import type { PlanContext, Planner, SceneDraft } from '../planner';
import type { Beat } from '../templates';
import { readTopic } from '../topic';
import { hookStyle } from '../../stats/summary';
import { makeRandom, shuffled } from './random';
import {
  effectsFor, extendersFor, fillSlots, overlayText, scriptFor, trimToWords, visualFor, writeNarration, type SceneScript,
} from './writer';

const sentencesOf = (text: string) => text.split(/(?<=[.!?…])\s+/).filter(Boolean);

const seedOf = (ctx: PlanContext, part: string) =>
  [ctx.topic.toLowerCase(), ctx.pack.id, ctx.template, ctx.targetLengthSec, ctx.tempo, ctx.visualStyle ?? '', ctx.variant, part].join('|');

function requireEnglish(ctx: PlanContext): void {
  if (ctx.language !== 'en') {
    throw new UserError(
      'language_offline',
      `Offline plans are written in English. Set OPENAI_API_KEY to plan in "${ctx.language}", or use language en.`,
    );
  }
}

/**
 * Hooks that respect the pack's word limit. When the topic asks a short question of its own, two
 * hooks that ask it come first; a topic that only names a subject leads with hooks about it.
 */
function pickHooks(ctx: PlanContext): string[] {
  const reading = readTopic(ctx.topic);
  const random = makeRandom(seedOf(ctx, 'hooks'));
  const order = shuffled(ctx.pack.hookTemplates, random);
  const asks = reading.form !== 'thing' && countWords(reading.question) <= 10;
  const asking = asks ? order.filter((t) => t.includes('{Question}')).slice(0, 2) : [];
  const filled = [...asking, ...order.filter((t) => !asking.includes(t))].map((t) => fillSlots(t, reading));
  const fitting = filled.filter((h) => countWords(h) <= ctx.pack.hookRules.maxWords);
  const rest = filled.filter((h) => !fitting.includes(h)).map((h) => trimToWords(h, ctx.pack.hookRules.maxWords));
  const all = [...new Set([...fitting, ...rest])];
  // The chat's numbers favour a style: its hooks make the five first (at most three, for variety).
  const liked = ctx.preferredHookStyle ? all.filter((h) => hookStyle(h) === ctx.preferredHookStyle).slice(0, 3) : [];
  return [...liked, ...all.filter((h) => !liked.includes(h))].slice(0, 5);
}

/** Beats whose narration stands as written: filler after a hook, a conclusion or a call to action would dangle. */
const CLOSED = new Set(['hook', 'payoff', 'cta']);

interface Writing {
  script: SceneScript[];
  extenders: string[];
  /** Sentences the video already speaks, so no scene repeats another. */
  spoken: Set<string>;
}

function writeScene(ctx: PlanContext, beat: Beat, i: number, seconds: number, hook: string, writing: Writing, random: () => number, effect: string): SceneDraft {
  const reading = readTopic(ctx.topic);
  // Leave a breath at the end of each scene.
  const budget = wordBudget(Math.max(1, seconds - 0.4), ctx.tempo);
  const scene = writing.script[i]!;
  const outro = ctx.pack.outro[Math.floor(random() * ctx.pack.outro.length)]!;
  const narration =
    beat.kind === 'cta' ? trimToWords(fillSlots(outro, reading), Math.max(budget, 6))
    : writeNarration(scene, budget, CLOSED.has(beat.kind) ? null : writing.extenders, writing.spoken, beat.kind === 'hook' ? hook : undefined);
  return {
    narrationText: narration,
    onScreenText: overlayText(scene.overlay),
    visualPrompt: visualFor(beat, reading, ctx.pack, ctx.visualStyle, random),
    negativePrompt: ctx.pack.negativePrompt,
    effectPreset: effect,
    durationTargetSec: seconds,
  };
}

/**
 * Short scenes round their word budgets down; across a video that adds up. Adds the scenes' own
 * unspoken lines, then extenders, to the scenes furthest below budget until the whole script is
 * within ~3% of the target.
 */
function topUp(ctx: PlanContext, scenes: SceneDraft[], seconds: number[], fixed: boolean[], writing: Writing): void {
  const budgets = seconds.map((sec) => wordBudget(Math.max(1, sec - 0.4), ctx.tempo));
  // Aim at the whole length: the per-scene breaths are shared out by autofit afterwards.
  const target = wordBudget(seconds.reduce((a, b) => a + b, 0), ctx.tempo) * 0.99;
  const total = () => scenes.reduce((n, s) => n + countWords(s.narrationText), 0);
  const open = new Set(scenes.map((_s, i) => i).filter((i) => !fixed[i]));
  while (total() < target && open.size) {
    const idx = [...open].sort((a, b) => (budgets[b]! - countWords(scenes[b]!.narrationText)) - (budgets[a]! - countWords(scenes[a]!.narrationText)))[0]!;
    const script = writing.script[idx]!;
    const line = [...script.lines, ...script.more, ...writing.extenders].find((l) => !writing.spoken.has(l));
    if (!line || countWords(scenes[idx]!.narrationText) >= budgets[idx]! * 1.3) {
      open.delete(idx);
      continue;
    }
    writing.spoken.add(line);
    scenes[idx] = { ...scenes[idx]!, narrationText: `${scenes[idx]!.narrationText} ${line}` };
  }
}

function writingFor(ctx: PlanContext, beats: Beat[], hook: string, random: () => number, spoken: Iterable<string> = []): Writing {
  const reading = readTopic(ctx.topic);
  return { script: scriptFor(beats, reading, hook, random), extenders: extendersFor(reading, random), spoken: new Set(spoken) };
}

/**
 * The planner used without an API key: deterministic (same topic and settings → same plan),
 * topic-specific through the topic reading, shaped by the pack and script template.
 */
export function makeOfflinePlanner(): Planner {
  return {
    id: 'offline:v1',
    async hooks(ctx) {
      requireEnglish(ctx);
      return { value: pickHooks(ctx), costMicros: 0 };
    },
    async outline(ctx, hook, beats) {
      requireEnglish(ctx);
      const reading = readTopic(ctx.topic);
      const script = scriptFor(beats, reading, hook, makeRandom(seedOf(ctx, 'outline')));
      const lines = beats.map((b, i) => {
        const what =
          b.kind === 'hook' ? `“${hook}”`
          : b.kind === 'cta' ? 'invite the viewer to follow and comment'
          : b.kind === 'context' ? `ask the question: ${reading.question}`
          : b.kind === 'payoff' ? `put the parts together: ${reading.question}`
          : b.kind === 'twist' ? `the part most people miss about ${reading.subject}`
          : script[i]!.part ?? script[i]!.lines[0] ?? b.label.toLowerCase();
        return `${i + 1}. ${b.label} — ${what}`;
      });
      return { value: lines.join('\n'), costMicros: 0 };
    },
    async scenes(ctx, req) {
      requireEnglish(ctx);
      const random = makeRandom(seedOf(ctx, `scenes:${req.hook}`));
      const locked = req.locked.flatMap((s) => (s ? sentencesOf(s.narrationText) : []));
      const writing = writingFor(ctx, req.beats, req.hook, random, locked);
      const effects = effectsFor(req.beats, ctx.pack, random);
      const value = req.beats.map((beat, i) => req.locked[i] ?? writeScene(ctx, beat, i, req.seconds[i]!, req.hook, writing, random, effects[i]!));
      const fixed = req.beats.map((b, i) => req.locked[i] !== null || CLOSED.has(b.kind));
      topUp(ctx, value, req.seconds, fixed, writing);
      return { value, costMicros: 0 };
    },
    async scene(ctx, req) {
      requireEnglish(ctx);
      const random = makeRandom(seedOf(ctx, `scene:${req.idx}:${req.hook}`));
      // Do not reuse lines that this or any other scene already speaks.
      const writing = writingFor(ctx, req.beats, req.hook, random, req.scenes.flatMap((s) => sentencesOf(s.narrationText)));
      const beat = req.beats[req.idx]!;
      const effect = shuffled(ctx.pack.allowedEffects.filter((e) => e !== req.scenes[req.idx]?.effectPreset), random)[0] ?? ctx.pack.allowedEffects[0]!;
      return { value: writeScene(ctx, beat, req.idx, req.seconds[req.idx]!, req.hook, writing, random, effect), costMicros: 0 };
    },
    async shorten(_ctx, req) {
      return { value: { ...req.scene, narrationText: trimToWords(req.scene.narrationText, req.maxWords) }, costMicros: 0 };
    },
  };
}
