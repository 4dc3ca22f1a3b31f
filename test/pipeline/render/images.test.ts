import { describe, expect, it } from 'vitest';
import { EFFECT_PRESETS, getPack } from '../../../pipeline/plan/packs';
import { captionLayout, SAFE } from '../../../pipeline/render/captions/ass';
import { sourceScale } from '../../../pipeline/render/graph/motion';
import { ART_TITLE } from '../../../pipeline/providers/images/art';
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

  it('features noun phrases the offline script speaks, never the same one twice', () => {
    const narrations = [
      'Why did the Roman empire fall? Here is what really happened.',
      'Start with the usual explanation of why the Roman empire fell.',
      'Then look at the evidence: what we can actually observe about the Roman empire.',
      'Next comes the main cause, the one the rest depend on.',
      'Send this to someone who would love it.',
    ];
    expect(featureWords(narrations, 'why the Roman empire fell')).toEqual(['Roman empire', 'usual explanation', 'evidence', 'main cause', 'Roman empire']);
  });

  it('keeps a proper name whole and does not split it across scenes', () => {
    const narrations = ['The Dyatlov Pass incident.', 'Nine hikers crossed Dyatlov Pass in the winter.', 'The tent was cut from inside.'];
    expect(featureWords(narrations, 'the Dyatlov Pass incident')).toEqual(['Dyatlov Pass incident', 'hikers', 'tent']);
  });
});

describe('offline art layout', () => {
  it('keeps the key word clear of the on-screen label and the captions under every motion preset', () => {
    const [W, H] = [1080, 1920];
    const layout = captionLayout(W, getPack('facts').captionStyle);
    // The label: its top margin, one line of its font (line height ~1.2) and its box border.
    const labelBottom = SAFE.top + 90 + Math.round(layout.fontSize * 1.15) * 1.2 + 2 * 14;
    // The captions: two lines (~1.25 of the font each) above their bottom margin.
    const captionTop = H - getPack('facts').captionStyle.marginBottomPx - 2 * layout.fontSize * 1.25;
    for (const preset of EFFECT_PRESETS) {
      const m = sourceScale(preset);
      // The art is scaled by up to m; pans keep the vertical middle, tilts crop anywhere from
      // the top to the bottom of the taller picture, zooms crop the middle of a picture between
      // the frame's height and m times it.
      const tilt = preset === 'tilt_up' || preset === 'tilt_down';
      const zoom = preset === 'slow_zoom_in' || preset === 'slow_zoom_out';
      const sourceY = ART_TITLE.y * H * m;
      const ys = tilt ? [sourceY, sourceY - (m - 1) * H]
        : zoom ? [ART_TITLE.y * H, ART_TITLE.y * H * m - ((m - 1) * H) / 2]
        : [sourceY - ((m - 1) * H) / 2];
      const size = ART_TITLE.sizePx * m;
      for (const y of ys) {
        expect(y - size / 2, `${preset}: word top`).toBeGreaterThan(labelBottom);
        expect(y + size * 0.62 + 10 * m, `${preset}: underline`).toBeLessThan(captionTop);
      }
    }
  });
});
