import { UserError } from '../../../core/errors';
import { countWords, wordBudget } from '../estimates';
import type { PlanContext, Planner, SceneDraft } from '../planner';
import type { Beat } from '../templates';
import { readTopic } from '../topic';
import { makeRandom, shuffled } from './random';
import { EXTENDERS } from './phrases';
import { effectsFor, fillSlots, makePools, overlayFor, trimToWords, visualFor, writeNarration } from './writer';

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

/** Hooks that respect the pack's word limit, preferring ones that name the topic. */
function pickHooks(ctx: PlanContext): string[] {
  const reading = readTopic(ctx.topic);
  const random = makeRandom(seedOf(ctx, 'hooks'));
  // Short topics read well inside a hook: put two templates that quote the topic first.
  const order = shuffled(ctx.pack.hookTemplates, random);
  const quoting = countWords(reading.text) <= 10 ? order.filter((t) => t.includes('{Topic}')).slice(0, 2) : [];
  const filled = [...quoting, ...order.filter((t) => !quoting.includes(t))].map((t) => fillSlots(t, reading));
  const fitting = filled.filter((h) => countWords(h) <= ctx.pack.hookRules.maxWords);
  const rest = filled.filter((h) => !fitting.includes(h)).map((h) => trimToWords(h, ctx.pack.hookRules.maxWords));
  return [...new Set([...fitting, ...rest])].slice(0, 5);
}

function writeScene(ctx: PlanContext, beat: Beat, seconds: number, hook: string, pools: ReturnType<typeof makePools>, random: () => number, effect: string): SceneDraft {
  const reading = readTopic(ctx.topic);
  // Leave a breath at the end of each scene.
  const budget = wordBudget(Math.max(1, seconds - 0.4), ctx.tempo);
  const lead = beat.kind === 'hook' ? hook : beat.kind === 'cta' ? ctx.pack.outro[Math.floor(random() * ctx.pack.outro.length)] : undefined;
  const narration = beat.kind === 'cta' ? trimToWords(lead ?? '', Math.max(budget, 6)) : writeNarration(beat, budget, reading, pools, lead);
  return {
    narrationText: narration,
    onScreenText: overlayFor(beat, reading),
    visualPrompt: visualFor(beat, reading, ctx.pack, ctx.visualStyle, random),
    negativePrompt: ctx.pack.negativePrompt,
    effectPreset: effect,
    durationTargetSec: seconds,
  };
}

/**
 * Short scenes round their word budgets down; across a video that adds up. Adds short lines to
 * the scenes furthest below budget until the whole script is within ~3% of the target.
 */
function topUp(ctx: PlanContext, scenes: SceneDraft[], seconds: number[], locked: boolean[], extenders: string[]): void {
  const budgets = seconds.map((sec) => wordBudget(Math.max(1, sec - 0.4), ctx.tempo));
  // Aim at the whole length: the per-scene breaths are shared out by autofit afterwards.
  const target = wordBudget(seconds.reduce((a, b) => a + b, 0), ctx.tempo) * 0.99;
  const total = () => scenes.reduce((n, s) => n + countWords(s.narrationText), 0);
  const pool = [...extenders, ...EXTENDERS];
  for (let guard = 0; guard < 40 && total() < target && pool.length; guard++) {
    const candidates = scenes.map((s, i) => i).filter((i) => !locked[i] && countWords(scenes[i]!.narrationText) < budgets[i]! * 1.3);
    if (candidates.length === 0) break;
    const idx = candidates.sort((a, b) => (budgets[b]! - countWords(scenes[b]!.narrationText)) - (budgets[a]! - countWords(scenes[a]!.narrationText)))[0]!;
    const line = pool.shift()!;
    if (scenes[idx]!.narrationText.includes(line)) continue;
    scenes[idx] = { ...scenes[idx]!, narrationText: `${scenes[idx]!.narrationText} ${line}` };
  }
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
      const lines = beats.map((b, i) => {
        const what =
          b.kind === 'hook' ? `“${hook}”`
          : b.kind === 'cta' ? 'invite the viewer to follow and comment'
          : b.kind === 'item' ? `#${b.n}: one surprising thing about ${reading.keyword}`
          : b.kind === 'myth' ? `a popular belief about ${reading.keyword}`
          : b.kind === 'fact' ? 'what the evidence actually shows'
          : b.kind === 'twist' ? 'the reveal that reframes the story'
          : b.kind === 'payoff' ? `what it all means for ${reading.keyword}`
          : b.kind === 'context' ? `set up the question: ${reading.text}`
          : b.kind === 'point' ? `one clear idea that moves the answer forward`
          : b.kind === 'setup' ? `the ordinary world before ${reading.keyword}`
          : b.kind === 'rising' ? 'the tension builds, clue by clue'
          : b.kind === 'detail' ? `why #${b.n} earns its place`
          : b.label.toLowerCase();
        return `${i + 1}. ${b.label} — ${what}`;
      });
      return { value: lines.join('\n'), costMicros: 0 };
    },
    async scenes(ctx, req) {
      requireEnglish(ctx);
      const random = makeRandom(seedOf(ctx, `scenes:${req.hook}`));
      const pools = makePools(random);
      const effects = effectsFor(req.beats, ctx.pack, random);
      const value = req.beats.map((beat, i) => req.locked[i] ?? writeScene(ctx, beat, req.seconds[i]!, req.hook, pools, random, effects[i]!));
      // Filler never follows the hook, the conclusion or the call to action: it would dangle there.
      const fixed = req.beats.map((b, i) => req.locked[i] !== null || b.kind === 'hook' || b.kind === 'payoff' || b.kind === 'cta');
      topUp(ctx, value, req.seconds, fixed, pools.extenders);
      return { value, costMicros: 0 };
    },
    async scene(ctx, req) {
      requireEnglish(ctx);
      const random = makeRandom(seedOf(ctx, `scene:${req.idx}:${req.hook}`));
      const pools = makePools(random);
      // Do not reuse lines that neighbouring scenes already speak.
      const spoken = new Set(req.scenes.flatMap((s) => s.narrationText.split(/(?<=[.!?…])\s+/)));
      for (const [kind, lines] of pools.beat) pools.beat.set(kind, lines.filter((l) => !spoken.has(fillSlots(l, readTopic(ctx.topic)))));
      const beat = req.beats[req.idx]!;
      const effect = shuffled(ctx.pack.allowedEffects.filter((e) => e !== req.scenes[req.idx]?.effectPreset), random)[0] ?? ctx.pack.allowedEffects[0]!;
      return { value: writeScene(ctx, beat, req.seconds[req.idx]!, req.hook, pools, random, effect), costMicros: 0 };
    },
    async shorten(_ctx, req) {
      return { value: { ...req.scene, narrationText: trimToWords(req.scene.narrationText, req.maxWords) }, costMicros: 0 };
    },
  };
}
