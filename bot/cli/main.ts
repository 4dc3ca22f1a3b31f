import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { ConfigError, UserError } from '../../core/errors';
import { migrate } from '../../db/migrate';
import { formatDoctor, runDoctor } from './doctor';
import { planCommand } from './planCommand';
import { demoCommand } from './demo';
import { startCommand } from './start';
import { scheduleCommand, scheduledCommand } from './schedule';
import { healthCommand } from './health';
import { connectCommand } from './connect';
import { statsCommand } from './stats';
import { registerDiscordCommands } from '../discord/register';

const USAGE = `shortsmith — turn a topic into a finished vertical short video

Usage:
  shortsmith start [--role all|bot|worker]
                         run the chat bots whose tokens are set and/or the render worker
  shortsmith register-commands [--guild ID]
                         register /video with Discord (one server: instant; global: production)
  shortsmith doctor      check configuration, database, ffmpeg, fonts and platform tokens
  shortsmith health [--role all|bot|worker]
                         exit 0 when that role runs well on this machine, 1 when not (asks /healthz on PORT)
  shortsmith migrate     apply pending database migrations
  shortsmith plan "<topic>" [--niche N] [--length 60|90|120|180] [--tempo slow|normal|fast]
                  [--voice V] [--language en] [--style S] [--hook 1-5] [--json]
                         write five hooks and a full plan (offline without OPENAI_API_KEY)
  shortsmith demo "<topic>" [same options] [--yes] [--schedule "<when>" --target folder:<dir>|webhook:<url>]
                         the whole flow in the terminal: hooks, plan, approve, render; prints the mp4 path;
                         with --schedule, queues the post for a worker (shortsmith start --role worker)
  shortsmith schedule <run id> --at "<when>" --target folder:<dir>|webhook:<url>|chat [--tz Europe/Berlin]
                         schedule a finished run ("tomorrow 18:00", "fri 9am", "in 2h", "now")
  shortsmith connect tiktok|youtube [--chat telegram:<id>|discord:<channel id>] [--port N]
                         link an account from the terminal (a callback on 127.0.0.1 waits for the browser)
  shortsmith scheduled [--tz Europe/Berlin]
                         every post waiting on this server
  shortsmith stats [--chat telegram:<id>|discord:<channel id>] [--tz Europe/Berlin]
                         a chat's videos, what wins there, and a chart (default: this terminal's videos)
  shortsmith stats set --views N [--likes N] [--comments N] [--shares N] [--platform instagram] [--video 2] [--chat …]
                         record a video's numbers by hand
  shortsmith help        this text

Configuration comes from the environment; see README.md.`;

type Handler = (args: string[]) => Promise<number>;

const commands: Record<string, Handler> = {
  async doctor() {
    const rows = await runDoctor(loadConfig());
    process.stdout.write(`${formatDoctor(rows)}\n`);
    return rows.some((r) => r.state === 'error') ? 1 : 0;
  },
  async migrate() {
    const config = loadConfig();
    const report = await migrate(config.database.provider, config.database.url);
    process.stdout.write(
      report.applied.length
        ? `Applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\n`
        : `Database is up to date (${report.alreadyApplied.length} migrations).\n`,
    );
    return 0;
  },
  plan: planCommand,
  demo: demoCommand,
  start: startCommand,
  schedule: scheduleCommand,
  health: healthCommand,
  connect: connectCommand,
  scheduled: scheduledCommand,
  stats: statsCommand,
  async 'register-commands'(args) {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } } });
    const where = await registerDiscordCommands(loadConfig(), values.guild ?? loadConfig().discord.devGuildId);
    process.stdout.write(`Registered /video for ${where}.\n`);
    return 0;
  },
  async help() {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  },
};

/** Entry point of the `shortsmith` command. */
export async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const name = positionals[0] ?? 'help';
  const handler = commands[name];
  if (!handler) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await handler(argv.slice(1));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UserError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
