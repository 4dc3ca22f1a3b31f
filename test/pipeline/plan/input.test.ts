import { describe, expect, it } from 'vitest';
import { UserError } from '../../../core/errors';
import { parseProjectOptions, parseTopic } from '../../../pipeline/plan/input';
import { autofitDurations } from '../../../pipeline/plan/autofit';
import { hashtagsFor, isSubjectWord, readTopic, subjectWords } from '../../../pipeline/plan/topic';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).code;
  }
  return 'no error';
};

describe('topic input', () => {
  it('accepts plain topics and tidies whitespace', () => {
    expect(parseTopic('  why   octopuses\nhave three hearts ')).toBe('why octopuses have three hearts');
    expect(parseTopic('x'.repeat(500))).toHaveLength(500);
    expect(parseTopic('Café — 100% naïve & “quoted”?')).toBe('Café — 100% naïve & “quoted”?');
  });

  it('refuses empty, over-long, hidden and markup topics with clear codes', () => {
    expect(codeOf(() => parseTopic(''))).toBe('topic_empty');
    expect(codeOf(() => parseTopic(' \n\t '))).toBe('topic_empty');
    expect(codeOf(() => parseTopic(undefined))).toBe('topic_missing');
    expect(codeOf(() => parseTopic('x'.repeat(501)))).toBe('topic_too_long');
    expect(codeOf(() => parseTopic('abc\u0000def'))).toBe('topic_control_chars');
    expect(codeOf(() => parseTopic('\u202eevil'))).toBe('topic_control_chars');
    expect(codeOf(() => parseTopic('{\\an8}top text'))).toBe('topic_markup');
    expect(codeOf(() => parseTopic('line\\Nbreak'))).toBe('topic_markup');
    expect(codeOf(() => parseTopic('cats [0:v]drawtext=text=x'))).toBe('topic_markup');
    expect(codeOf(() => parseTopic('<b>bold</b> cats'))).toBe('topic_markup');
    expect(codeOf(() => parseTopic('?!…'))).toBe('topic_no_words');
    expect(() => parseTopic('x'.repeat(501))).toThrow(/501 characters; the limit is 500/);
  });

  it('lists the valid values for unknown options', () => {
    expect(() => parseProjectOptions({ topic: 'cats', niche: 'cooking' })).toThrow(/horror, facts, motivation.*mystery/);
    expect(() => parseProjectOptions({ topic: 'cats', length: '45' })).toThrow(/60, 90, 120, 180/);
    expect(() => parseProjectOptions({ topic: 'cats', tempo: 'warp' })).toThrow(/slow, normal, fast/);
    // A voice is a preset or an engine's own name; anything that could be markup or an argument is refused.
    expect(() => parseProjectOptions({ topic: 'cats', voice: 'robot voice' })).toThrow(/alloy, echo.*en-GB-SoniaNeural/);
    expect(() => parseProjectOptions({ topic: 'cats', voice: '{\\an8}' })).toThrow(/Unknown voice/);
    expect(() => parseProjectOptions({ topic: 'cats', voice: '--voice=x' })).toThrow(/Unknown voice/);
    expect(parseProjectOptions({ topic: 'cats', voice: 'NOVA' }).voicePreset).toBe('nova');
    expect(parseProjectOptions({ topic: 'cats', voice: 'en-GB-SoniaNeural' }).voicePreset).toBe('en-GB-SoniaNeural');
    expect(parseProjectOptions({ topic: 'cats', voice: 'af_bella' }).voicePreset).toBe('af_bella');
    expect(parseProjectOptions({ topic: 'cats', niche: 'Horror', length: 90 })).toMatchObject({ nichePackId: 'horror', targetLengthSec: 90, tempo: 'normal', voicePreset: 'alloy', language: 'en' });
  });
});

describe('topic reading', () => {
  it('finds the key phrase a hook can lean on', () => {
    expect(readTopic('why octopuses have three hearts')).toMatchObject({ questionWord: 'why', keyword: 'octopuses' });
    expect(readTopic('the Dyatlov Pass incident').keyword).toBe('Dyatlov Pass');
    expect(readTopic('how to save money on groceries').keyword).toBe('money');
    // A topic that is a short noun phrase is its own key phrase; a question stops at its noun.
    expect(readTopic('Black holes').keyword).toBe('black holes');
    expect(readTopic('deep sea creatures').keyword).toBe('deep sea creatures');
    expect(readTopic('why cats purr').keyword).toBe('cats');
    expect(readTopic('the history of coffee').keyword).toBe('coffee');
    expect(readTopic('the science of sleep').keyword).toBe('sleep');
    expect(readTopic('the Roman empire').keyword).toBe('Roman empire');
    expect(readTopic('the history of the Roman empire').keyword).toBe('Roman empire');
  });

  it('names nouns after a determiner (and one describing word), not verbs, counts or filler', () => {
    expect(subjectWords('The usual explanation skips the most interesting part. Keep going, because the pattern repeats.')).toEqual(['explanation', 'pattern']);
    expect(subjectWords('Another clue sits right in front of us. It turns out the obvious answer was wrong, and the evidence agrees.')).toEqual(['evidence']);
    expect(subjectWords('This one deserves a closer look at the three hearts')).toEqual([]);
    // Nouns with a describing word's ending still count; the describing words themselves do not.
    expect(subjectWords('Deep in the forest, a seed waits. The famous tree guards the oldest secret.')).toEqual(['forest', 'seed', 'tree', 'secret']);
    expect(isSubjectWord('hearts')).toBe(true);
    for (const w of ['three', 'because', 'really', 'interesting', 'makes', '42']) expect(isSubjectWord(w)).toBe(false);
  });

  it('makes hashtags from the subject, never from a count', () => {
    expect(hashtagsFor(readTopic('why octopuses have three hearts'), 'science')).toEqual(['#octopuses', '#hearts', '#science', '#shorts']);
    expect(hashtagsFor(readTopic('black holes'), 'science')).toEqual(['#blackholes', '#science', '#shorts']);
    expect(hashtagsFor(readTopic('the Dyatlov Pass incident'), 'mystery')).toEqual(['#dyatlovpass', '#incident', '#mystery', '#shorts']);
  });
});

describe('autofit', () => {
  const pacing = { minScenes: 3, maxScenes: 10, minSceneSec: 3, maxSceneSec: 12 };
  it('stretches or squeezes unlocked scenes to the target and keeps locked ones', () => {
    const scenes = [
      { narrationText: 'one two three four five', durationTargetSec: 4, isLocked: false },
      { narrationText: 'six seven eight nine ten eleven', durationTargetSec: 7, isLocked: true },
      { narrationText: 'a b c d e f g h i j', durationTargetSec: 4, isLocked: false },
    ];
    const fit = autofitDurations(scenes, pacing, 24, 'normal');
    expect(fit.durations[1]).toBe(7);
    expect(fit.durations.reduce((a, b) => a + b, 0)).toBeCloseTo(24, 1);
    expect(fit.tooLong).toEqual([]);
  });

  it('names scenes whose narration cannot fit', () => {
    const long = Array.from({ length: 60 }, () => 'word').join(' ');
    const fit = autofitDurations([{ narrationText: long, durationTargetSec: 5, isLocked: false }, { narrationText: 'short', durationTargetSec: 5, isLocked: false }], pacing, 15, 'normal');
    expect(fit.tooLong).toEqual([0]);
    expect(fit.overTarget).toBe(true);
  });
});
