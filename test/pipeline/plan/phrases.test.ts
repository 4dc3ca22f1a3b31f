import { describe, expect, it } from 'vitest';
import { BEAT_LINES, EXTENDERS, MYTHS, NUMBER_ONE, PART_FOLLOW_UPS, PARTS, VISUALS } from '../../../pipeline/plan/offline/phrases';
import { PACKS } from '../../../pipeline/plan/packs';

/** Every template line the offline planner fills with the topic's subject or question. */
const LINES = [
  ...Object.values(PARTS).flatMap((parts) => parts.flatMap((p) => p.lines)), ...PART_FOLLOW_UPS, ...Object.values(BEAT_LINES).flat(),
  ...MYTHS.flatMap((m) => m.lines.flat()), NUMBER_ONE, ...EXTENDERS, ...Object.values(VISUALS).flat(),
  ...PACKS.flatMap((p) => [...p.hookTemplates, ...p.outro]),
];
const KNOWN = /^(subject|Subject|keyword|Question|question|about|items|n|nth|part|Part|parts|it|It|its|them)$/;

describe('offline phrase pools', () => {
  it('use only slots the writer fills, and a verb after the subject always agrees with it', () => {
    expect(LINES.length).toBeGreaterThan(150);
    const unknown = LINES.flatMap((l) => [...l.matchAll(/\{([^{}|]*)\}/g)].map((m) => m[1]!)).filter((name) => !KNOWN.test(name));
    expect(unknown).toEqual([]);
    // The subject may be "cats" or "the Roman empire": where it is the subject of a verb (opening a
    // sentence or a clause, not after a preposition), the verb is written for both numbers
    // ("{Subject} {matters|matter}"), never as one form.
    const agreeing = /(?:^|[.!?:] |\b(?:what|why|how|where|when|whether|that|because|and|but|if) )\{(?:subject|Subject)\} (?:still |only |really |also )?(?:is|are|was|were|has|have|does|do|\w+s)\b/;
    expect(LINES.filter((l) => agreeing.test(l))).toEqual([]);
  });

  it('give every kind of question five parts whose names are spoken in their opening line', () => {
    for (const [kind, parts] of Object.entries(PARTS)) {
      expect(parts, kind).toHaveLength(5);
      for (const part of parts) expect(part.lines[0]!.toLowerCase(), `${kind}: ${part.label}`).toContain(part.label);
    }
  });
});
