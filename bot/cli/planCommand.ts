import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { UserError } from '../../core/errors';
import { openDatabase } from '../../db/client';
import { parseProjectOptions } from '../../pipeline/plan/input';
import { makePlanner } from '../../pipeline/plan/makePlanner';
import { chooseHook, startProject, type PlanState } from '../../pipeline/plan/service';

const wrap = (text: string, width: number, indent: string): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
};

/** The plan as a terminal table: hooks, outline, scenes, estimates, validation. */
export function formatPlanForTerminal(state: PlanState, hookIndex: number): string {
  const { project, plan } = state;
  const out: string[] = [];
  out.push(`${project.title}  ·  ${project.nichePackId} · ${project.targetLengthSec}s · ${project.tempo} · voice ${project.voicePreset} · ${project.language}`);
  out.push('', 'Hooks:');
  plan.hookOptions.forEach((h, i) => out.push(`  ${i === hookIndex ? '▶' : ' '} ${i + 1}. ${h}`));
  out.push('', 'Outline:', ...plan.outline.split('\n').map((l) => `  ${l}`));
  out.push('', '  #   time         effect         on screen         narration');
  for (const s of plan.scenes) {
    const time = `${s.startTimeSec.toFixed(1)}–${s.endTimeSec.toFixed(1)}`.padEnd(12);
    const lock = s.isLocked ? '🔒' : '  ';
    out.push(`  ${String(s.idx + 1).padStart(2)}${lock}${time} ${s.effectPreset.padEnd(14)} ${s.onScreenText.slice(0, 16).padEnd(17)} ${wrap(s.narrationText, 70, ' '.repeat(52))}`);
  }
  const e = plan.estimates;
  out.push('', `Estimated length ${e.estimatedLengthSec ?? '?'}s (target ${project.targetLengthSec}s) · ${e.wordCount ?? '?'} words at ${e.wpm ?? '?'} wpm · ${plan.scenes.length} scenes`);
  const v = plan.validation;
  if (!v.errors.length && !v.warnings.length) out.push('Validation: no problems.');
  for (const m of v.errors) out.push(`  ✖ ${m}`);
  for (const m of v.warnings) out.push(`  ⚠ ${m}`);
  for (const m of v.suggestions) out.push(`  → ${m}`);
  if (project.planCostMicros > 0) out.push(`Planning cost: $${(project.planCostMicros / 1e6).toFixed(4)}`);
  return out.join('\n');
}

/** The project options `plan` and `demo` both take (same names as the chat commands). */
export const PROJECT_FLAGS = {
  niche: { type: 'string' }, length: { type: 'string' }, tempo: { type: 'string' }, voice: { type: 'string' },
  language: { type: 'string' }, style: { type: 'string' }, visuals: { type: 'string' },
} as const;

/** `shortsmith plan "<topic>" [--niche] [--length] [--tempo] [--voice] [--language] [--style] [--hook N] [--json]` */
export async function planCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...PROJECT_FLAGS, hook: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw new UserError('topic_missing', 'Usage: shortsmith plan "<topic>" [--niche science] [--length 60] [--hook 1] [--json]');
  const options = parseProjectOptions({
    topic: positionals.join(' '), niche: values.niche, length: values.length, tempo: values.tempo,
    voice: values.voice, language: values.language, style: values.style, visuals: values.visuals,
  });
  const hookIndex = values.hook === undefined ? 0 : Number(values.hook) - 1;
  if (!Number.isInteger(hookIndex) || hookIndex < 0 || hookIndex > 4) throw new UserError('unknown_hook', '--hook must be 1, 2, 3, 4 or 5.');

  const config = loadConfig();
  const db = await openDatabase(config.database.url);
  try {
    const deps = { db: db.prisma, planner: makePlanner(config, db.prisma) };
    const draft = await startProject(deps, { platform: 'cli', chatId: 'local', ownerUserId: process.env.USER ?? 'local' }, options);
    const state = await chooseHook(deps, draft.project.id, hookIndex);
    if (values.json) {
      const { hookOptions: _h, estimates: _e, validation: _v, scenes, ...planVersion } = state.plan;
      process.stdout.write(`${JSON.stringify({ project: state.project, hookOptions: state.plan.hookOptions, planVersion: { ...planVersion, scenes } }, null, 2)}\n`);
    } else {
      process.stdout.write(`${formatPlanForTerminal(state, hookIndex)}\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
