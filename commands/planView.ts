import type { Project } from '../db/client';
import type { PlanVersionView } from '../db/repos/planVersions';
import { PACKS, getPack } from '../pipeline/plan/packs';
import { buttonId } from './buttonIds';
import { clip, type View } from './view';

/** The five hooks as buttons, plus "new hooks". */
export function hooksView(project: Project, plan: PlanVersionView): View {
  const lines = plan.hookOptions.map((h, i) => `${i + 1}. ${h}`);
  const notes = [
    ...plan.validation.warnings.filter((w) => w.startsWith('Written offline:')).map((w) => `\n\n⚠ ${w}`),
    ...plan.validation.suggestions.filter((s) => s.startsWith('★')).map((s) => `\n\n${s}`),
  ].join('');
  return {
    title: `Pick a hook — ${clip(project.title, 200)}`,
    text: `${lines.join('\n')}\n\nPick the opening line you like best; the plan is written around it.${notes}`,
    buttons: [
      plan.hookOptions.map((h, i) => ({ id: buttonId('hook', project.id, plan.id, i), label: clip(`${i + 1}. ${h}`, 80), style: 'primary' as const })).slice(0, 5),
      [
        { id: buttonId('newhooks', project.id, plan.id), label: '🔄 New hooks', style: 'secondary' },
        { id: buttonId('niche', project.id, plan.id), label: `🎨 Style: ${getPack(project.nichePackId).name}`, style: 'secondary' },
      ],
    ],
  };
}

/** The twelve niche packs as buttons (the current one marked). */
export function nicheView(project: Project, planId: string): View {
  // The pack's position, not its id: ids like finance_tips would push the button id past 64 bytes.
  const buttons = PACKS.map((p, i) => ({
    id: buttonId('setniche', project.id, planId, i),
    label: project.nichePackId === p.id ? `• ${p.name}` : p.name,
    style: project.nichePackId === p.id ? ('primary' as const) : ('secondary' as const),
  }));
  return {
    text: PACKS.map((p) => `${p.name}: ${p.description}`).join('\n'),
    ephemeral: true,
    buttons: [buttons.slice(0, 4), buttons.slice(4, 8), buttons.slice(8, 12)],
  };
}

const fmt = (n: number) => `${Math.round(n * 10) / 10}s`;

/** The plan: outline, scenes, estimates, warnings, storyboard and the actions around it. */
export function planView(project: Project, plan: PlanVersionView, storyboardPath: string | null, opts: { footage?: boolean } = {}): View {
  const e = plan.estimates;
  const v = plan.validation;
  const perScene = Math.max(60, Math.floor(2600 / Math.max(1, plan.scenes.length)));
  const scenes = plan.scenes.map((s) => {
    const lock = s.isLocked ? ' 🔒' : '';
    const overlay = s.onScreenText ? ` [${clip(s.onScreenText, 40)}]` : '';
    return `${s.idx + 1}. ${fmt(s.durationTargetSec)} · ${s.effectPreset}${lock}${overlay}\n   ${clip(s.narrationText, perScene)}`;
  });
  const problems = [...v.errors.map((m) => `✖ ${m}`), ...v.warnings.map((m) => `⚠ ${m}`)];
  const fields = [
    { name: 'Hook', value: clip(plan.hookSelected, 1000) },
    { name: 'Length', value: `about ${e.estimatedLengthSec ?? '?'}s of narration (target ${project.targetLengthSec}s) · ${e.wordCount ?? '?'} words at ${e.wpm ?? '?'} wpm · ${plan.scenes.length} scenes` },
    { name: 'Voice', value: `${project.voicePreset} · ${project.tempo} · ${project.language}` },
  ];
  if (problems.length) fields.push({ name: 'Checks', value: clip(problems.join('\n'), 1000) });
  if (v.suggestions.length) fields.push({ name: 'Suggestions', value: clip(v.suggestions.join('\n'), 1000) });
  const id = (a: Parameters<typeof buttonId>[0], arg: string | number = '') => buttonId(a, project.id, plan.id, arg);
  return {
    title: `Plan — ${clip(project.title, 200)}`,
    text: clip(`${scenes.join('\n')}`, 3800),
    fields,
    image: storyboardPath ? { path: storyboardPath, name: 'storyboard.png' } : undefined,
    buttons: [
      [
        { id: id('approve'), label: '✅ Approve & render', style: v.errors.length ? 'secondary' : 'success' },
        { id: id('edit'), label: '✏️ Edit scene', style: 'primary' },
        { id: id('lock'), label: '🔒 Lock / unlock', style: 'secondary' },
      ],
      [
        { id: id('regen'), label: '🔁 New script', style: 'secondary' },
        { id: id('regenscene'), label: '🎲 New scene', style: 'secondary' },
        ...(opts.footage ? [{ id: id('swapclip'), label: '🎞 Swap clip', style: 'secondary' as const }] : []),
        { id: id('newhooks'), label: '🔄 New hooks', style: 'secondary' },
        { id: id('voice'), label: '🎙 Voice & length', style: 'secondary' },
        { id: id('discard'), label: '🗑 Discard', style: 'danger' },
      ],
    ],
  };
}
