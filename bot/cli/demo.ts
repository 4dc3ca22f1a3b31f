import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { UserError } from '../../core/errors';
import { openDatabase } from '../../db/client';
import { queueRunForPlan, getRun } from '../../db/repos/runs';
import { parseProjectOptions } from '../../pipeline/plan/input';
import { makePlanner } from '../../pipeline/plan/makePlanner';
import { chooseHook, startProject } from '../../pipeline/plan/service';
import { RenderRunner } from '../../pipeline/render/runner';
import { makeRenderServices } from '../../pipeline/render/services';
import { formatPlanForTerminal } from './planCommand';
import { progressLine } from './progressBar';

/**
 * `shortsmith demo "<topic>"`: the whole product in the terminal — five hooks, pick one, the plan,
 * approve, render with a live progress bar. The last line printed is the mp4's path.
 */
export async function demoCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      niche: { type: 'string' }, length: { type: 'string' }, tempo: { type: 'string' }, voice: { type: 'string' },
      language: { type: 'string' }, style: { type: 'string' }, yes: { type: 'boolean', short: 'y' },
    },
  });
  if (!positionals.length) throw new UserError('topic_missing', 'Usage: shortsmith demo "<topic>" [--niche science] [--length 60] [--yes]');
  const options = parseProjectOptions({ topic: positionals.join(' '), niche: values.niche, length: values.length, tempo: values.tempo, voice: values.voice, language: values.language, style: values.style });
  const interactive = Boolean(process.stdin.isTTY) && !values.yes;
  const config = loadConfig();
  const log = makeLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr);
  const db = await openDatabase(config.database.url);
  const rl = interactive ? createInterface({ input: process.stdin, output: process.stderr }) : null;
  const say = (s: string) => process.stderr.write(`${s}\n`);
  try {
    const deps = { db: db.prisma, planner: makePlanner(config, db.prisma) };
    const draft = await startProject(deps, { platform: 'cli', chatId: 'local', ownerUserId: process.env.USER ?? 'local' }, options);
    say(`\nHooks for “${draft.project.topic}”:`);
    draft.plan.hookOptions.forEach((h, i) => say(`  ${i + 1}. ${h}`));
    let pick = 0;
    if (rl) {
      const answer = (await rl.question('\nPick a hook [1-5, Enter = 1]: ')).trim();
      pick = answer ? Math.min(5, Math.max(1, Number(answer) || 1)) - 1 : 0;
    }
    const state = await chooseHook(deps, draft.project.id, pick);
    say(`\n${formatPlanForTerminal(state, pick)}\n`);
    if (rl) {
      const ok = (await rl.question('Approve and render? [Y/n]: ')).trim().toLowerCase();
      if (ok === 'n' || ok === 'no') {
        say('Not rendered. The plan is saved; run the demo again to start over.');
        return 0;
      }
    }
    const run = await queueRunForPlan(db.prisma, { projectId: state.project.id, planVersionId: state.plan.id, requestedByUserId: 'local' });
    const services = await makeRenderServices(config, db.prisma, log);
    const runner = new RenderRunner(services, { pollMs: 250 });
    const finished = new Promise<'done' | string>((resolve) => {
      runner.on('done', (e) => e.runId === run.id && resolve('done'));
      runner.on('failed', (e) => e.runId === run.id && resolve(e.reason));
      runner.on('canceled', (e) => e.runId === run.id && resolve('canceled'));
    });
    const tty = Boolean(process.stderr.isTTY);
    let last = '';
    runner.on('progress', (e) => {
      if (e.runId !== run.id) return;
      const line = progressLine(e);
      if (tty) process.stderr.write(`\r${line}`);
      else if (line.slice(0, 40) !== last.slice(0, 40)) say(line);
      last = line;
    });
    const started = Date.now();
    const onSignal = () => void runner.stop();
    process.once('SIGINT', onSignal);
    await runner.start();
    const outcome = await finished;
    await runner.stop();
    await services.pool.close();
    process.off('SIGINT', onSignal);
    if (tty) process.stderr.write('\n');
    if (outcome !== 'done') {
      say(`Render ${outcome === 'canceled' ? 'canceled' : `failed: ${outcome}`}`);
      return 1;
    }
    const done = await getRun(db.prisma, run.id);
    say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Thumbnail: ${done.artifacts.thumbPath}\nStoryboard: ${done.artifacts.storyboardPath}\nCaptions: ${done.artifacts.srtPath}`);
    process.stdout.write(`${done.artifacts.mp4Path}\n`);
    return 0;
  } finally {
    rl?.close();
    await db.close();
  }
}
