import { describe, expect, it } from 'vitest';
import { EXTENDERS, NARRATION, VISUALS } from '../../../pipeline/plan/offline/phrases';
import { PACKS } from '../../../pipeline/plan/packs';

/** Every template line the offline planner fills with the topic or its key word. */
const LINES = [
  ...Object.values(NARRATION).flat(), ...EXTENDERS, ...Object.values(VISUALS).flat(),
  ...PACKS.flatMap((p) => [...p.hookTemplates, ...p.outro]),
];

describe('offline phrase pools', () => {
  it('never make the topic or its key word the subject of a verb that must agree with it', () => {
    // "octopuses" and "black holes" are plural, "why cats purr" is a clause: a slot followed by
    // "is", "has" or another -s verb reads wrong for some of them ("octopuses still matters").
    // A slot is a subject where it opens a sentence or a clause; a noun after it ("{keyword}
    // secrets") and a verb agreeing with another noun ("the story of {keyword} is") are fine.
    const verbs = 'is|was|has|does|seems|sounds|looks|matters|takes|gets|makes|keeps|changes|shapes|goes|stands|remains|proves|hides|holds|works';
    const agreeing = new RegExp(`(?:^|[.!?:] |\\b(?:why|where|because|when|how|if|and|but) )\\{(?:keyword|Keyword|topic|Topic)\\} (?:still |really |also |now )?(?:${verbs})\\b`);
    expect(LINES.length).toBeGreaterThan(100);
    expect(LINES.filter((l) => agreeing.test(l))).toEqual([]);
  });
});
