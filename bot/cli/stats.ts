import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { UserError } from '../../core/errors';
import { chatStats, recordStats } from '../../commands/stats';
import { makeApp } from '../app';
import { terminalLogger } from './terminalLog';
import { viewToTerminal } from './render';
import { terminalContext } from './schedule';

/**
 * `shortsmith stats [--chat telegram:<id>|discord:<channel>] [--tz Zone]`: a chat's videos, what
 * wins there and the chart's path; `shortsmith stats set --views 1200 [--likes 80] [--platform
 * instagram] [--video 2] [--chat …]` records numbers by hand, as `/video stats` does in a chat.
 */
export async function statsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      chat: { type: 'string' }, tz: { type: 'string' }, views: { type: 'string' }, likes: { type: 'string' },
      comments: { type: 'string' }, shares: { type: 'string' }, platform: { type: 'string' }, video: { type: 'string' },
    },
  });
  const ctx = terminalContext(values.tz);
  if (values.chat) {
    const m = /^(telegram|discord|cli):(.+)$/.exec(values.chat);
    if (!m) throw new UserError('usage', '--chat is telegram:<chat id>, discord:<channel id> or cli:terminal.');
    Object.assign(ctx, { platform: m[1]!, chatId: m[2]! });
  }
  const app = await makeApp(loadConfig(), terminalLogger(), { worker: false, adapters: false });
  try {
    const { chat: _c, tz: _t, ...numbers } = values;
    const view = positionals[0] === 'set' ? await recordStats(app.deps, ctx, numbers) : await chatStats(app.deps, ctx);
    process.stdout.write(`${viewToTerminal(view)}\n`);
    return 0;
  } finally {
    await app.stop();
  }
}
