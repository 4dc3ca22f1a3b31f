import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { fallbackNotes } from '../../commands/runViews';
import { loadConfig } from '../../core/config';
import { UserError } from '../../core/errors';
import { getRun } from '../../db/repos/runs';
import type { CommandContext } from '../../commands/context';
import { parseButtonId } from '../../commands/buttonIds';
import { runCommand } from '../../commands/dispatch';
import { createVideo, handleButton } from '../../commands/video';
import type { View } from '../../commands/view';
import { requestCancel } from '../../pipeline/render/runner';
import { makeApp } from '../app';
import { terminalLogger } from './terminalLog';
import { PROJECT_FLAGS } from './planCommand';
import { progressLine } from '../../commands/progressLine';
import { viewToTerminal } from './render';
import { SCHEDULE_FLAGS, terminalContext } from './schedule';
import { checkTargets, scheduleProject } from '../../commands/schedule';
import { getProject } from '../../db/repos/projects';
import { parseWhen } from '../../pipeline/schedule/when';

/**
 * `shortsmith demo "<topic>"`: the whole product in the terminal — five hooks, pick one, the plan,
 * approve, render with a live progress bar. The last line printed is the mp4's path.
 */
export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...PROJECT_FLAGS, ...SCHEDULE_FLAGS, yes: { type: 'boolean', short: 'y' } },
  });
  if (!positionals.length) throw new UserError('topic_missing', 'Usage: shortsmith demo "<topic>" [--niche science] [--length 60] [--yes] [--schedule "in 1 minute" --target folder:/some/dir]');
  if (values.target?.length && !values.schedule) throw new UserError('usage', '--target goes with --schedule "<when>", e.g. --schedule "tomorrow 18:00" --target folder:/srv/shorts');
  const interactive = Boolean(process.stdin.isTTY) && !values.yes;
  const config = loadConfig();
  const log = terminalLogger();
  const app = await makeApp(config, log, { adapters: false, runnerPollMs: 250 });
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  const say = (s: string) => process.stderr.write(`${s}\n`);
  // The terminal is one more chat: the same commands, rules and views as Discord and Telegram.
  const ctx: CommandContext = terminalContext(values.tz);
  const act = async (name: string, fn: () => Promise<View>): Promise<View> => {
    const view = await runCommand(app.deps, ctx, name, fn);
    if (view.ephemeral && !view.buttons?.length && !view.form) throw new UserError('refused', view.text);
    return view;
  };
  const pickButton = (view: View, match: RegExp) => view.buttons?.flat().find((b) => match.test(b.label));
  const projectOf = async (view: View) => getProject(app.deps.db, parseButtonId(view.buttons![0]![0]!.id).projectId);
  try {
    const hooks = await act('create', () => createVideo(app.deps, ctx, {
      topic: positionals.join(' '), niche: values.niche, length: values.length, tempo: values.tempo, voice: values.voice, language: values.language, style: values.style, visuals: values.visuals,
    }));
    say(`\n${viewToTerminal(hooks)}`);
    // A schedule that cannot work is refused now, not after the render.
    const publishAt = values.schedule ? parseWhen(values.schedule, ctx.timeZone!, app.deps.clock()).at : null;
    const targetText = (values.target ?? []).join(' ');
    if (publishAt) await checkTargets(app.deps, ctx, await projectOf(hooks), targetText);
    let pick = 1;
    if (rl) {
      const answer = (await rl.question('\nPick a hook [1-5, Enter = 1]: ')).trim();
      pick = answer ? Math.min(5, Math.max(1, Number(answer) || 1)) : 1;
    }
    const hookButton = pickButton(hooks, new RegExp(`^${pick}\\.`))!;
    const plan = await act('hook', () => handleButton(app.deps, ctx, hookButton.id));
    say(`\n${viewToTerminal(plan)}\n`);
    if (rl) {
      const ok = (await rl.question('Approve and render? [Y/n]: ')).trim().toLowerCase();
      if (ok === 'n' || ok === 'no') {
        say('Not rendered. The plan is saved; run the demo again to start over.');
        return 0;
      }
    }
    const runner = app.runner!;
    const started = Date.now();
    const progress = await act('approve', () => handleButton(app.deps, ctx, pickButton(plan, /Approve/)!.id));
    const runId = progress.progressOfRunId!;
    const finished = new Promise<'done' | string>((resolve) => {
      runner.on('done', (e) => e.runId === runId && resolve('done'));
      runner.on('failed', (e) => e.runId === runId && resolve(e.reason));
      runner.on('canceled', (e) => e.runId === runId && resolve('canceled'));
    });
    const tty = Boolean(process.stderr.isTTY);
    let last = '';
    runner.on('progress', (e) => {
      if (e.runId !== runId) return;
      const line = progressLine(e);
      if (tty) process.stderr.write(`\r${line}`);
      else if (line.slice(0, 40) !== last.slice(0, 40)) say(line);
      last = line;
    });
    const onSignal = () => void requestCancel({ db: app.deps.db }, runId, runner).catch(() => undefined);
    process.once('SIGINT', onSignal);
    // Renders only: posts are a worker's job (`shortsmith start --role worker`), not the demo's.
    await app.startWorker({ publish: false });
    const outcome = await finished;
    process.off('SIGINT', onSignal);
    if (tty) process.stderr.write('\n');
    if (outcome !== 'done') {
      say(`Render ${outcome === 'canceled' ? 'canceled' : `failed: ${outcome}`}`);
      return 1;
    }
    const done = await getRun(app.deps.db, runId);
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\nThumbnail: ${done.artifacts.thumbPath}\nStoryboard: ${done.artifacts.storyboardPath}\nCaptions: ${done.artifacts.srtPath}\nExport: ${done.artifacts.exportJsonPath}`);
    for (const note of fallbackNotes(done)) say(`⚠ ${note}`);
    if (publishAt) {
      // The time was read before the render; if it has come meanwhile, it is due now.
      const when = publishAt.getTime() <= app.deps.clock().getTime() ? 'now' : publishAt.toISOString();
      const project = await getProject(app.deps.db, done.projectId);
      const scheduled = await act('schedule', () => scheduleProject(app.deps, ctx, project, when, targetText, runId));
      say(`\n${viewToTerminal({ ...scheduled, buttons: undefined })}\nA worker posts it: shortsmith start --role worker`);
    }
    process.stdout.write(`${done.artifacts.mp4Path}\n`);
    return 0;
  } finally {
    rl?.close();
    await app.stop();
  }
}
