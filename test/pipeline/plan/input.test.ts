import { describe, expect, it } from 'vitest';
import { UserError } from '../../../core/errors';
import { parseProjectOptions, parseTopic } from '../../../pipeline/plan/input';
import { autofitDurations } from '../../../pipeline/plan/autofit';
import { fillSlots } from '../../../pipeline/plan/offline/writer';
import { getPack } from '../../../pipeline/plan/packs';
import { hashtagsFor, readTopic } from '../../../pipeline/plan/topic';

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
  it('finds the subject as a whole noun phrase, with its number', () => {
    expect(readTopic('why octopuses have three hearts')).toMatchObject({ form: 'why', subject: 'octopuses', plural: true, predicate: 'have three hearts' });
    expect(readTopic('the Dyatlov Pass incident')).toMatchObject({ form: 'thing', subject: 'the Dyatlov Pass incident', keyword: 'Dyatlov Pass incident', plural: false });
    expect(readTopic('why the Roman empire fell')).toMatchObject({ subject: 'the Roman empire', keyword: 'Roman empire', plural: false, predicate: 'fell' });
    expect(readTopic('the surprising physics of why cats always land on their feet')).toMatchObject({ form: 'why', subject: 'cats', predicate: 'always land on their feet' });
    expect(readTopic('medieval castles')).toMatchObject({ subject: 'medieval castles', plural: true });
    expect(readTopic('budgeting mistakes')).toMatchObject({ subject: 'budgeting mistakes', plural: true });
    expect(readTopic('how to save money on groceries')).toMatchObject({ form: 'howto', subject: 'saving money on groceries', plural: false });
    // A sentence-initial capital is not a name; a name keeps its capitals.
    expect(readTopic('Black holes').subject).toBe('black holes');
    expect(readTopic('Mars').subject).toBe('Mars');
    expect(readTopic('deep sea creatures').subject).toBe('deep sea creatures');
    expect(readTopic('why cats purr')).toMatchObject({ subject: 'cats', predicate: 'purr', question: 'Why do cats purr?' });
    expect(readTopic('the history of coffee')).toMatchObject({ subject: 'the history of coffee', plural: false });
    expect(readTopic('the origins of chess')).toMatchObject({ subject: 'the origins of chess', plural: true });
    expect(readTopic('what is a black hole')).toMatchObject({ form: 'define', subject: 'black holes', about: 'what a black hole is' });
    expect(readTopic('who was Cleopatra')).toMatchObject({ form: 'define', subject: 'Cleopatra', person: true });
  });

  it('fills slots with the subject, the question and words that agree with it', () => {
    const roman = readTopic('why the Roman empire fell');
    expect(fillSlots('Nobody at the time understood what {subject} would change.', roman)).toBe('Nobody at the time understood what the Roman empire would change.');
    expect(fillSlots('{Subject}: the moment history turned. {Question}', roman)).toBe('The Roman empire: the moment history turned. Why did the Roman empire fall?');
    expect(fillSlots('Why {subject} still {matters|matter}, and what {it} left.', roman)).toBe('Why the Roman empire still matters, and what it left.');
    const cats = readTopic('why cats purr');
    expect(fillSlots('Why {subject} still {matters|matter}, and what {it} left.', cats)).toBe('Why cats still matter, and what they left.');
    expect(fillSlots('Start with the usual explanation of {about}.', cats)).toBe('Start with the usual explanation of why cats purr.');
    expect(fillSlots('Number {n} of the {items}.', readTopic('5 budgeting mistakes that keep you broke'), { n: 5 })).toBe('Number five of the budgeting mistakes that keep you broke.');
    expect(fillSlots('Ask what {it} did.', readTopic('who was Cleopatra'))).toBe('Ask what Cleopatra did.');
  });

  it('makes hashtags from the subject, never from a count', () => {
    expect(hashtagsFor('why octopuses have three hearts', getPack('science'))).toEqual(['#octopuses', '#hearts', '#science', '#learnontiktok', '#shorts']);
    expect(hashtagsFor('black holes', getPack('science'))).toEqual(['#blackholes', '#science', '#learnontiktok', '#shorts']);
    expect(hashtagsFor('the Dyatlov Pass incident', getPack('mystery'))).toEqual(['#dyatlovpassincident', '#mystery', '#unsolved', '#shorts']);
  });
});

describe('hashtags for topics as people type them', () => {
  // [topic, the tags the topic must give, words of the topic that must never become a tag]
  const TABLE: [string, string[], string[]][] = [
    ['why the Roman empire fell', ['romanempire'], ['fell', 'why', 'roman', 'empire']],
    ['the surprising physics of why cats always land on their feet', ['physics', 'cats', 'feet'], ['surprising', 'always', 'land', 'their', 'why']],
    ['medieval castles', ['medievalcastles'], ['medieval']],
    ['budgeting mistakes', ['budgetingmistakes'], ['budgeting']],
    ['how castles were heated in winter', ['castles', 'winter'], ['heated', 'were', 'how']],
    ['top 5 budgeting mistakes', ['budgetingmistakes'], ['top', '5', 'top5budgetingmistakes']],
    ['why octopuses have three hearts', ['octopuses', 'hearts'], ['have', 'three', 'threehearts']],
    ['the Dyatlov Pass incident', ['dyatlovpassincident'], ['the']],
    ['what is a black hole', ['blackhole'], ['what', 'is', 'hole']],
    ['how to save money on groceries', ['money', 'groceries'], ['save', 'how']],
    ['WHY DO CATS PURR', ['cats'], ['purr', 'catspurr', 'why', 'do']],
    ['why cats purr', ['cats'], ['purr', 'catspurr']],
    ['volcanoes', ['volcanoes'], []],
    ['café culture in Paris 🇫🇷', ['caféculture', 'paris'], ['in']],
    ["Taylor Swift's rise to fame", ['taylorswift', 'rise', 'fame'], ['taylor', 'swifts', 'to']],
    ['10 facts about Mars', ['mars'], ['10', 'about']],
    ['the history of coffee', ['history', 'coffee'], ['of']],
    ['how bees vote', ['bees'], ['vote', 'beesvote']],
    ['the Titanic sank because of one mistake', ['titanic', 'mistake'], ['sank', 'because', 'one']],
    ['is coffee bad for you', ['coffee'], ['bad', 'you', 'is']],
    ['Ötzi the iceman', ['ötzi', 'iceman'], ['the']],
    ['how do airplanes stay in the air', ['airplanes', 'air'], ['stay', 'do']],
    ['myths about cracking your knuckles', ['myths', 'knuckles'], ['cracking', 'your']],
    ['3 ways to stop procrastinating', [], ['stop', 'procrastinating', 'ways', '3']],
    ['the Bermuda Triangle', ['bermudatriangle'], []],
    ['how compound interest works', ['compoundinterest'], ['works', 'compoundinterestworks']],
    ['why the sky is blue', ['sky'], ['blue', 'is']],
    ['the fall of Constantinople in 1453', ['constantinople'], ['1453', 'in']],
    ['what happened to Amelia Earhart', ['ameliaearhart'], ['happened', 'what']],
    ['why do we yawn', [], ['we', 'yawn', 'do']],
    ['deep sea creatures', ['deepseacreatures'], ['deep']],
    ['how vaccines train the immune system', ['vaccines', 'immunesystem'], ['train']],
    ['the best budget phones of 2026', ['budgetphones'], ['best', '2026', 'bestbudgetphones']],
    ['why leaves change color in autumn', ['leaves', 'color', 'autumn'], ['change']],
    ['the mystery of the Voynich manuscript', ['voynichmanuscript'], ['of', 'the']],
    ['how Vikings navigated the ocean', ['vikings', 'ocean'], ['navigated']],
    ['why cats knock things off tables', ['cats', 'tables'], ['knock', 'things', 'off']],
    ['stock market crashes explained', ['stockmarketcrashes'], ['explained']],
    ['a', [], ['a']],
    ['🔥🔥🔥 volcano facts 🔥', ['volcanofacts'], []],
    ['x'.repeat(30) + ' ' + 'why the ocean is salty '.repeat(20).trim(), ['ocean'], ['salty', 'is', 'why']],
  ];

  it.each(TABLE)('%s', (topic, want, never) => {
    const tags = hashtagsFor(topic, getPack('facts'));
    expect(tags.length).toBeGreaterThanOrEqual(3);
    expect(tags.length).toBeLessThanOrEqual(8);
    expect(new Set(tags).size).toBe(tags.length);
    for (const t of tags) expect(t).toMatch(/^#[\p{Ll}\p{Lo}\p{N}]{3,30}$/u);
    // The niche's own tags follow the topic's (once, when the topic names one too), #shorts last.
    expect(tags).toEqual(expect.arrayContaining(['#facts', '#didyouknow']));
    expect(tags.at(-1)).toBe('#shorts');
    for (const w of want) expect(tags).toContain(`#${w}`);
    for (const w of never) expect(tags).not.toContain(`#${w}`);
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
