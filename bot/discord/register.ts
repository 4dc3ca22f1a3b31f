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
