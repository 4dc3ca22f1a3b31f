import { describe, expect, it } from 'vitest';
import { featureWords } from '../../../pipeline/render/steps/imagesGenerate';

describe('the word each scene\'s art features', () => {
  it('opens on the key phrase, then gives every scene a word of its own, topic words first', () => {
    const narrations = [
      'Why octopuses have three hearts? Nature had a very good reason.',
      'The usual explanation skips the most interesting part: why octopuses have three hearts.',
      'Keep going, because the pattern repeats. This is the core of why octopuses have three hearts.',
      'Here the explanation gets genuinely interesting. This detail explains a lot about octopuses.',
      'Stay curious, and send this to someone who would love it.',
    ];
    expect(featureWords(narrations, 'why octopuses have three hearts')).toEqual(['octopuses', 'hearts', 'pattern', 'explanation', 'octopuses']);
  });

  it('keeps a proper name whole and does not split it across scenes', () => {
    const narrations = ['The Dyatlov Pass incident.', 'Nine hikers crossed Dyatlov Pass in the winter.', 'The tent was cut from inside.'];
    expect(featureWords(narrations, 'the Dyatlov Pass incident')).toEqual(['Dyatlov Pass', 'winter', 'tent']);
  });
});
