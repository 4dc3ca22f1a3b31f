import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { UserError } from '../../core/errors';
import type { CommandContext } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { scheduleProject } from '../../commands/schedule';
import { getProject } from '../../db/repos/projects';
import { getRun } from '../../db/repos/runs';
import { describeTime, isTimeZone } from '../../pipeline/schedule/when';
import { makeApp } from '../app';
import { terminalLogger } from './terminalLog';
import { viewToTerminal } from './render';

/** The person at the terminal: the operator, in the machine's time zone unless `--tz` says otherwise. */
export function terminalContext(timeZone?: string): CommandContext {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  if (!isTimeZone(zone)) throw new UserError('bad_timezone', `Unknown time zone “${zone}”: use an IANA name such as Europe/Berlin.`);
  return { platform: 'cli', chatId: 'terminal', userId: process.env.USER ?? 'local', userName: 'you', isDM: true, canManage: true, roleIds: [], timeZone: zone };
}

/** `--target` may repeat: `--target folder:/srv/out --target webhook:https://…`. */
export const SCHEDULE_FLAGS = {
  schedule: { type: 'string' }, target: { type: 'string', multiple: true }, tz: { type: 'string' },
} as const;

/** `shortsmith schedule <run id> --at "tomorrow 18:00" --target folder:/dir [--target webhook:URL] [--tz Europe/Berlin]` */
export async function scheduleCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { at: { type: 'string' }, target: SCHEDULE_FLAGS.target, tz: SCHEDULE_FLAGS.tz } });
  if (positionals.length !== 1 || !values.at) {
    throw new UserError('usage', 'Usage: shortsmith schedule <run id> --at "tomorrow 18:00" [--target folder:/dir] [--target webhook:https://…] [--tz Europe/Berlin]');
  }
  const ctx = terminalContext(values.tz);
  const app = await makeApp(loadConfig(), terminalLogger(), { worker: false, adapters: false });
  try {
    const run = await getRun(app.deps.db, positionals[0]!);
    const project = await getProject(app.deps.db, run.projectId);
    const view = await runCommand(app.deps, ctx, 'schedule', () => scheduleProject(app.deps, ctx, project, values.at!, (values.target ?? []).join(' '), run.id));
    process.stdout.write(`${viewToTerminal(view)}\n`);
    if (view.ephemeral) return 2;
    process.stdout.write('A worker posts it at that time: shortsmith start --role worker (or the one already running).\n');
    return 0;
  } finally {
    await app.stop();
  }
}

/** `shortsmith scheduled [--tz Europe/Berlin]`: every post waiting on this server, soonest first. */
export async function scheduledCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { tz: SCHEDULE_FLAGS.tz } });
  const ctx = terminalContext(values.tz);
  const app = await makeApp(loadConfig(), terminalLogger(), { worker: false, adapters: false });
  try {
    const rows = await app.deps.db.publication.findMany({
      where: { status: { in: ['scheduled', 'posting', 'failed'] } }, include: { run: { include: { project: true } } }, orderBy: { dueAt: 'asc' }, take: 200,
    });
    if (!rows.length) {
      process.stdout.write('Nothing is scheduled.\n');
      return 0;
    }
    for (const r of rows) {
      const due = describeTime(r.dueAt, ctx.timeZone!);
      const where = app.deps.targets.label(r.target, r.targetRef);
      const state = r.status === 'failed' ? `failed: ${r.lastError ?? ''}` : r.status === 'posting' ? 'posting now' : r.lastError ? `retrying: ${r.lastError}` : 'waiting';
      process.stdout.write(`${due.local}  ${r.run.project.title.slice(0, 50)}  → ${where}  [${state}]  run ${r.runId}  (${r.run.project.platform})\n`);
    }
    return 0;
  } finally {
    await app.stop();
  }
}
