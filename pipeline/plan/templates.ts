import type { ScriptTemplateId } from './packs';

export type BeatKind = 'hook' | 'context' | 'setup' | 'rising' | 'twist' | 'payoff' | 'item' | 'detail' | 'myth' | 'fact' | 'point' | 'cta';

/** One scene's role in the script. `n` numbers items, myths and points. */
export interface Beat {
  kind: BeatKind;
  n?: number;
  label: string;
}

/** Smallest scene count each template needs to tell its shape. */
export const MIN_SCENES: Record<ScriptTemplateId, number> = { top5: 7, myth_vs_fact: 4, storytime: 4, free_form: 4 };

/** What each template is, for help text and the LLM prompt. */
export const TEMPLATE_DESCRIPTIONS: Record<ScriptTemplateId, string> = {
  top5: 'a countdown from #5 to #1, one item per scene, then a call to action',
  myth_vs_fact: 'pairs of scenes: a common myth, then the fact that corrects it',
  storytime: 'a story: hook, setup, rising tension, a twist, the payoff, a call to action',
  free_form: 'hook, context, a few clear points, a payoff, a call to action',
};

const beat = (kind: BeatKind, label: string, n?: number): Beat => (n === undefined ? { kind, label } : { kind, label, n });

/** The beat of every scene for a template and scene count. */
export function beatsFor(template: ScriptTemplateId, sceneCount: number): Beat[] {
  const n = Math.max(sceneCount, MIN_SCENES[template]);
  const middle = n - 2;
  const body: Beat[] = [];
  if (template === 'top5') {
    // Extra scenes go to the top of the list, where the payoff is: #1 first, then #2, …
    const extra = Array.from({ length: 6 }, () => 0);
    for (let k = 0; k < middle - 5; k++) extra[(k % 5) + 1]! += 1;
    for (let rank = 5; rank >= 1; rank--) {
      body.push(beat('item', `#${rank}`, rank));
      for (let d = 1; d <= extra[rank]!; d++) body.push(beat('detail', d === 1 ? `#${rank} up close` : `#${rank}, one more detail`, rank));
    }
  } else if (template === 'myth_vs_fact') {
    if (middle % 2 === 1) body.push(beat('context', 'Context'));
    for (let k = 1; k <= Math.floor(middle / 2); k++) body.push(beat('myth', `Myth ${k}`, k), beat('fact', `Fact ${k}`, k));
  } else if (template === 'storytime') {
    const setup = Math.max(1, Math.round((middle - 2) * 0.4));
    const rising = Math.max(0, middle - 2 - setup);
    for (let k = 1; k <= setup; k++) body.push(beat('setup', setup > 1 ? `Setup ${k}` : 'Setup', k));
    for (let k = 1; k <= rising; k++) body.push(beat('rising', rising > 1 ? `Rising action ${k}` : 'Rising action', k));
    body.push(beat('twist', 'Twist'), beat('payoff', 'Payoff'));
  } else {
    body.push(beat('context', 'Context'));
    for (let k = 1; k <= middle - 2; k++) body.push(beat('point', `Point ${k}`, k));
    body.push(beat('payoff', 'Payoff'));
  }
  return [beat('hook', 'Hook'), ...body, beat('cta', 'Call to action')];
}
