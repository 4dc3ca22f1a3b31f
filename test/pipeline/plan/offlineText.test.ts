import { describe, expect, it } from 'vitest';
import nlp from 'compromise';
import { makeOfflinePlanner } from '../../../pipeline/plan/offline/offlinePlanner';
import { getPack } from '../../../pipeline/plan/packs';
import type { PlanContext } from '../../../pipeline/plan/planner';
import { beatsFor, type Beat } from '../../../pipeline/plan/templates';
import { hashtagsFor, readTopic } from '../../../pipeline/plan/topic';
import { SCRIPT_TEMPLATES } from '../../../pipeline/plan/packs';

const PARAGRAPH =
  'I want a video about how the ancient Romans built roads that lasted for two thousand years, including the materials they used, ' +
  'the tools and the workers, why some of those roads are still in use today across Europe, and what modern engineers have learned ' +
  'from them when they design highways; please keep it light and fun, with a few surprising numbers, a short story about one famous ' +
  'road like the Via Appia, and a friendly ending that asks viewers which invention they want to see next';

/** [topic, the subject sentences must name whole, plural?, niche] */
const TABLE: [string, string, boolean, string][] = [
  ['why the Roman empire fell', 'the Roman empire', false, 'history'],
  ['the surprising physics of why cats always land on their feet', 'cats', true, 'science'],
  ['medieval castles', 'medieval castles', true, 'history'],
  ['budgeting mistakes', 'budgeting mistakes', true, 'finance_tips'],
  ['5 budgeting mistakes that keep you broke', 'budgeting mistakes', true, 'top5'],
  ['how castles were heated in winter', 'castles', true, 'history'],
  ['how to fall asleep faster', 'falling asleep faster', false, 'motivation'],
  ['what is a black hole', 'black holes', true, 'science'],
  ['octopuses have three hearts', 'octopuses', true, 'facts'],
  ["Taylor Swift's rise to fame", "Taylor Swift's rise to fame", false, 'story'],
  ['how do airplanes stay in the air', 'airplanes', true, 'science'],
  ['why is the sky blue', 'the sky', false, 'science'],
  ['who built the pyramids', 'the pyramids', true, 'mystery'],
  ['the Dyatlov Pass incident', 'the Dyatlov Pass incident', false, 'mystery'],
  ['top 10 deadliest snakes', 'the deadliest snakes', true, 'top5'],
  ['why cats purr', 'cats', true, 'facts'],
  ['Honey never spoils', 'honey', false, 'facts'],
  ['how compound interest works', 'compound interest', false, 'finance_tips'],
  ['who was Cleopatra', 'Cleopatra', false, 'history'],
  ['what happened to Amelia Earhart', 'Amelia Earhart', false, 'mystery'],
  ['what causes earthquakes', 'earthquakes', true, 'science'],
  ['why did Rome fall', 'Rome', false, 'history'],
  ['how does a fridge work', 'a fridge', false, 'science'],
  ['ten habits of rich people', 'habits of rich people', true, 'motivation'],
  ['the fall of Rome', 'the fall of Rome', false, 'history'],
  ['🦈 sharks', 'sharks', true, 'facts'],
  ['WHY IS THE OCEAN SALTY', 'the ocean', false, 'science'],
  ['Frida Kahlo', 'Frida Kahlo', false, 'story'],
  ['when were the pyramids built', 'the pyramids', true, 'history'],
  ['where do birds go in winter', 'birds', true, 'science'],
  ['which planet has the most moons', 'planets', true, 'science'],
  ['the 3 best ways to learn Spanish', 'the best ways to learn Spanish', true, 'facts'],
  ['is coffee bad for you', 'coffee', false, 'health_myths'],
  ['can dogs see colour', 'dogs', true, 'facts'],
  ['why we dream', 'dreaming', false, 'science'],
  ['Ötzi the iceman', 'Ötzi the iceman', false, 'history'],
  ['best budget mechanical keyboards', 'the best budget mechanical keyboards', true, 'product'],
  ['the Voynich manuscript', 'the Voynich manuscript', false, 'mystery'],
  ['is breakfast really the most important meal', 'breakfast', false, 'health_myths'],
  ['Bitcoin', 'Bitcoin', false, 'finance_tips'],
  ['volcanoes', 'volcanoes', true, 'science'],
  ["don't skip leg day", 'skipping leg day', false, 'motivation'],
  ['NASA', 'NASA', false, 'science'],
  ['Elden Ring', 'Elden Ring', false, 'gaming'],
  ['why leaves change color in autumn', 'leaves', true, 'science'],
  ['café culture in Paris 🇫🇷', 'café culture in Paris', false, 'facts'],
  [PARAGRAPH, 'the ancient Romans', true, 'history'],
];

const planner = makeOfflinePlanner();

/** Everything the offline planner writes for a topic: its hooks, and the scenes of every template. */
async function writing(topic: string, niche: string) {
  const pack = getPack(niche);
  const base: PlanContext = { topic, pack, template: pack.defaultTemplate, targetLengthSec: 60, tempo: 'normal', language: 'en', visualStyle: null, variant: 0 };
  const hooks = (await planner.hooks(base)).value;
  const scripts: { template: string; beats: Beat[]; narration: string[]; overlays: string[] }[] = [];
  for (const template of SCRIPT_TEMPLATES) {
    const ctx = { ...base, template };
    const beats = beatsFor(template, 9);
    const seconds = beats.map(() => 60 / beats.length);
    const scenes = (await planner.scenes(ctx, { hook: hooks[0]!, beats, seconds, locked: beats.map(() => null), outline: '' })).value;
    scripts.push({ template, beats, narration: scenes.map((s) => s.narrationText), overlays: scenes.map((s) => s.onScreenText) });
  }
  return { hooks, scripts };
}

const sentences = (text: string) => text.split(/(?<=[.!?…]["”’)]?)\s+/u).filter(Boolean);
const FUNCTION_WORDS = 'the|a|an|and|or|but|of|its|their|your|my|our|whose|whether';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Problems a reader would stop at in one sentence. */
function problems(sentence: string, subject: string, plural: boolean): string[] {
  const found: string[] = [];
  if (!/^[\p{Lu}\p{N}"“]/u.test(sentence)) found.push('does not start with a capital');
  if (!/[.!?]["”’)]?$/u.test(sentence)) found.push('does not end with punctuation');
  if (/[{}]/.test(sentence)) found.push('has an unfilled slot');
  if (/\s[,.;:!?]|\s{2,}|,,|\.\./.test(sentence)) found.push('has stray spacing or punctuation');
  if (new RegExp(`\\b(${FUNCTION_WORDS})[,;:]?\\s*[.!?…]["”’)]?$`, 'iu').test(sentence)) found.push('ends on a function word');
  const doubled = /\b(\p{L}+) \1\b/iu.exec(sentence);
  if (doubled && !/^(that|had)$/i.test(doubled[1]!)) found.push(`repeats "${doubled[1]}"`);
  // Number agreement: the subject directly followed by a verb of the wrong number.
  const wrong = plural ? 'is|was|has|does|matters|gets|makes|proves|comes|works|seems' : 'are|were|have|do|matter|get|make|prove|come|work|seem';
  if (new RegExp(`(?:^|[.!?:,] |\\b(?:and|but|because|why|how|whether|that) )${escape(subject)} (?:still |really |only |also )?(?:${wrong})\\b`, 'iu').test(sentence)) found.push('verb does not agree with the subject');
  if (new RegExp(`\\b(?:they|them|their) (?:is|was|has)\\b|\\bit (?:are|were|have)\\b`, 'iu').test(sentence)) found.push('pronoun does not agree');
  return found;
}

describe('offline hooks and narration for topics as people type them', () => {
  it.each(TABLE)('%s', async (topic, subject, plural, niche) => {
    const reading = readTopic(topic);
    expect({ subject: reading.subject, plural: reading.plural }).toEqual({ subject, plural });
    const { hooks, scripts } = await writing(topic, niche);
    expect(hooks).toHaveLength(5);
    const lines = [...hooks.flatMap(sentences), ...scripts.flatMap((s) => s.narration.flatMap(sentences))];
    const report = lines.map((l) => [l, problems(l, subject, plural)] as const).filter(([, p]) => p.length);
    expect(report).toEqual([]);

    // The subject is named whole: wherever its first word appears, the rest of it follows (or
    // the topic's own wording does, as in its question).
    const all = lines.join(' ');
    expect(all.toLowerCase()).toContain(subject.toLowerCase());
    const words = reading.keyword.split(' ');
    if (words.length > 1) {
      const starts = [...all.matchAll(new RegExp(`\\b${escape(words[0]!)}\\b`, 'giu'))].map((m) => m.index!);
      for (const at of starts) {
        const rest = all.slice(at);
        const topicWording = (q: string) => {
          const from = q.toLowerCase().indexOf(words[0]!.toLowerCase());
          return from >= 0 && rest.toLowerCase().startsWith(q.slice(from).toLowerCase().replace(/[?.!]$/, ''));
        };
        expect(
          rest.toLowerCase().startsWith(reading.keyword.toLowerCase()) || [reading.question, reading.about, reading.text].some(topicWording),
          `"${rest.slice(0, 60)}" cuts "${reading.keyword}" short`,
        ).toBe(true);
      }
    }

    // Every explaining scene names its part, the story or list names the subject, the context restates the question.
    for (const script of scripts) {
      script.beats.forEach((beat, i) => {
        const said = script.narration[i]!;
        expect(said.length, `${script.template} scene ${i + 1}`).toBeGreaterThan(0);
        expect(script.overlays[i]!.length, `${script.template} scene ${i + 1} on-screen text`).toBeGreaterThan(0);
        if (beat.kind === 'context' && !hooks[0]!.includes(reading.question)) expect(said).toContain(reading.question);
        if (beat.kind === 'point' || beat.kind === 'setup') {
          // The on-screen text is a phrase the scene speaks, or the subject.
          const overlay = script.overlays[i]!.toLowerCase();
          expect(said.toLowerCase().includes(overlay) || overlay === reading.keyword.toLowerCase() || /^the (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) one$/.test(overlay) || said.toLowerCase().includes(overlay.replace(/^the /, '')), `${script.template} scene ${i + 1}: "${overlay}" in "${said}"`).toBe(true);
        }
      });
      // The explanation opens at its beginning, whichever parts a short video leaves out.
      const first = script.beats.findIndex((b) => b.kind === 'point' || b.kind === 'setup');
      if (first >= 0) expect(script.narration[first], script.template).toMatch(/^(Start with|First,|The first of)/);
      const text = script.narration.join(' ').toLowerCase();
      expect(text, script.template).toContain(subject.toLowerCase());
    }

    // Hashtags: nouns of the topic, the niche's own, #shorts; never an adverb, a verb form or a function word.
    const tags = hashtagsFor(topic, getPack(niche));
    expect(tags.length).toBeGreaterThanOrEqual(3);
    expect(tags.length).toBeLessThanOrEqual(8);
    expect(tags.at(-1)).toBe('#shorts');
    const terms = (nlp(topic).terms().json() as { terms: { normal: string; tags: string[] } }[][]).flat();
    const never = (nlp(topic.toLowerCase()).terms().json() as { terms: { normal: string; tags: string[] }[] }[])
      .map((t) => t.terms[0]!)
      .filter((t) => t.tags.some((x) => ['Adverb', 'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'QuestionWord', 'Auxiliary', 'Copula', 'Value'].includes(x)))
      .map((t) => `#${t.normal.replace(/[^\p{L}\p{N}]/gu, '')}`);
    expect(terms.length).toBeGreaterThan(0);
    for (const tag of tags) expect(never).not.toContain(tag);
  });

  it('reads the question each topic asks and puts it as a sentence and as a phrase', () => {
    const cases: [string, string, string, string?][] = [
      ['why the Roman empire fell', 'Why did the Roman empire fall?', 'why the Roman empire fell', 'fell'],
      ['the surprising physics of why cats always land on their feet', 'Why do cats always land on their feet?', 'why cats always land on their feet', 'always land on their feet'],
      ['how castles were heated in winter', 'How were castles heated in winter?', 'how castles were heated in winter', 'were heated in winter'],
      ['how does a fridge work', 'How does a fridge work?', 'how a fridge works'],
      ['why did Rome fall', 'Why did Rome fall?', 'why Rome fell'],
      ['octopuses have three hearts', 'Why do octopuses have three hearts?', 'why octopuses have three hearts', 'have three hearts'],
      ['Honey never spoils', 'Why does honey never spoil?', 'why honey never spoils', 'never spoils'],
      ['what is a black hole', 'What is a black hole?', 'what a black hole is'],
      ['is coffee bad for you', 'Is coffee bad for you?', 'whether coffee is bad for you'],
      ['how to fall asleep faster', 'How do you fall asleep faster?', 'how to fall asleep faster', 'fall asleep faster'],
      ['5 budgeting mistakes that keep you broke', 'What are the five budgeting mistakes that keep you broke?', 'the five budgeting mistakes that keep you broke'],
      ['medieval castles', 'What is the truth about medieval castles?', 'the truth about medieval castles'],
      ["don't skip leg day", 'Why should you not skip leg day?', 'why you should not skip leg day'],
      [PARAGRAPH, 'How did the ancient Romans build roads?', 'how the ancient Romans built roads', 'built roads'],
    ];
    for (const [topic, question, about, predicate] of cases) {
      const reading = readTopic(topic);
      expect({ question: reading.question, about: reading.about }, topic).toEqual({ question, about });
      if (predicate) expect(reading.predicate, topic).toBe(predicate);
    }
    expect(readTopic('5 budgeting mistakes that keep you broke')).toMatchObject({ form: 'list', count: 5, items: 'budgeting mistakes that keep you broke' });
  });
});
