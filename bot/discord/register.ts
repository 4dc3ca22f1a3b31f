import { Routes } from 'discord.js';
import type { Config } from '../../core/config';
import { videoCommand } from './definitions';
import { makeDiscordRest } from './publisher';

/**
 * Registers `/video` for one server (instant; for development) or globally (production; Discord
 * may take up to an hour to show it everywhere). Returns where it was registered.
 */
export async function registerDiscordCommands(config: Config, guildId?: string): Promise<string> {
  if (!config.discord.token) throw new Error('DISCORD_TOKEN is not set.');
  const rest = makeDiscordRest(config.discord.token, config.discord.apiUrl);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const body = [videoCommand().toJSON()];
  if (guildId) {
    await rest.put(Routes.applicationGuildCommands(app.id, guildId), { body });
    return `server ${guildId}`;
  }
  await rest.put(Routes.applicationCommands(app.id), { body });
  return 'all servers (global)';
}

interface CommandShape {
  name: string;
  type?: number;
  options?: CommandShape[];
}

/** A command's options as names and types (what decides whether Discord's copy is current). */
const shape = (c: CommandShape): string => `${c.name}:${c.type ?? ''}(${(c.options ?? []).map(shape).join(',')})`;

/**
 * Registers `/video` globally when Discord has no copy of it or an older one (another set of
 * subcommands or options) — what a new deployment needs without anyone running
 * `register-commands`. Returns what it did.
 */
export async function ensureGlobalCommands(config: Config): Promise<'registered' | 'current'> {
  if (!config.discord.token) throw new Error('DISCORD_TOKEN is not set.');
  const rest = makeDiscordRest(config.discord.token, config.discord.apiUrl);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const wanted = videoCommand().toJSON() as CommandShape;
  const existing = (await rest.get(Routes.applicationCommands(app.id))) as CommandShape[];
  const current = existing.find((c) => c.name === wanted.name);
  if (current && shape(current) === shape(wanted)) return 'current';
  await rest.put(Routes.applicationCommands(app.id), { body: [wanted] });
  return 'registered';
}
