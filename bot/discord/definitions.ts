import { ChannelType, SlashCommandBuilder } from 'discord.js';
import { LANGUAGES } from '../../pipeline/plan/input';
import { PACKS, TARGET_LENGTHS, TEMPOS, VOICES } from '../../pipeline/plan/packs';

/** The `/video` command with its subcommands, as registered with Discord. */
export function videoCommand(): SlashCommandBuilder {
  const cmd = new SlashCommandBuilder().setName('video').setDescription('Turn a topic into a vertical short video');
  cmd.addSubcommand((s) =>
    s.setName('create').setDescription('Start a video: five hooks to pick from')
      .addStringOption((o) => o.setName('topic').setDescription('What the video is about (1–500 characters)').setRequired(true).setMaxLength(500))
      .addStringOption((o) => o.setName('niche').setDescription('Style pack').addChoices(...PACKS.map((p) => ({ name: p.name, value: p.id }))))
      .addIntegerOption((o) => o.setName('length').setDescription('Target seconds').addChoices(...TARGET_LENGTHS.map((l) => ({ name: `${l} s`, value: l }))))
      .addStringOption((o) => o.setName('tempo').setDescription('Speaking pace').addChoices(...TEMPOS.map((t) => ({ name: t, value: t }))))
      .addStringOption((o) => o.setName('voice').setDescription(`Narrator voice: ${VOICES.join(', ')}, or the voice engine's own (type to search)`).setAutocomplete(true).setMaxLength(64))
      .addStringOption((o) => o.setName('language').setDescription('Language').addChoices(...LANGUAGES.map((l) => ({ name: l, value: l }))))
      .addStringOption((o) => o.setName('visuals').setDescription('What the scenes show').addChoices(
        { name: 'stock footage (Pexels, Pixabay)', value: 'stock' }, { name: 'AI pictures', value: 'ai' }, { name: 'offline art', value: 'offline' })));
  cmd.addSubcommand((s) =>
    s.setName('schedule').setDescription('Post the newest finished video later: to the publish channel, a webhook or a folder')
      .addStringOption((o) => o.setName('when').setDescription('e.g. tomorrow 18:00, fri 9am, in 2h, 2026-12-24 09:30, now (leave out for a form)').setMaxLength(100))
      .addStringOption((o) => o.setName('targets').setDescription('chat, webhook, folder (default: every one set up)').setMaxLength(60)));
  cmd.addSubcommand((s) => s.setName('scheduled').setDescription('Posts waiting to go out from this channel'));
  cmd.addSubcommand((s) =>
    s.setName('connect').setDescription('Link a TikTok or YouTube account to post to (managers), or see what is linked')
      .addStringOption((o) => o.setName('platform').setDescription('Which account to link').addChoices({ name: 'TikTok', value: 'tiktok' }, { name: 'YouTube', value: 'youtube' })));
  cmd.addSubcommand((s) => s.setName('list').setDescription('Videos in this channel'));
  cmd.addSubcommand((s) => s.setName('status').setDescription('Where the latest video stands'));
  cmd.addSubcommand((s) =>
    s.setName('stats').setDescription('What wins here (chart); with views: record a video\'s numbers by hand')
      .addStringOption((o) => o.setName('views').setDescription('Record: views (1200, 1.2k)').setMaxLength(20))
      .addStringOption((o) => o.setName('likes').setDescription('Record: likes').setMaxLength(20))
      .addStringOption((o) => o.setName('comments').setDescription('Record: comments').setMaxLength(20))
      .addStringOption((o) => o.setName('shares').setDescription('Record: shares').setMaxLength(20))
      .addStringOption((o) => o.setName('platform').setDescription('Where these numbers are from').addChoices(
        ...['instagram', 'chat', 'other', 'tiktok', 'youtube'].map((p) => ({ name: p, value: p }))))
      .addIntegerOption((o) => o.setName('video').setDescription('Which video: its number in /video stats (1 = newest)').setMinValue(1).setMaxValue(50)));
  cmd.addSubcommand((s) => s.setName('help').setDescription('How shortsmith works'));
  cmd.addSubcommand((s) =>
    s.setName('settings').setDescription('Approvers, defaults and quotas (managers change them)')
      .addRoleOption((o) => o.setName('approver_role').setDescription('Role allowed to approve renders'))
      .addStringOption((o) => o.setName('niche').setDescription('Default style pack').addChoices(...PACKS.map((p) => ({ name: p.name, value: p.id }))))
      .addIntegerOption((o) => o.setName('length').setDescription('Default target seconds').addChoices(...TARGET_LENGTHS.map((l) => ({ name: `${l} s`, value: l }))))
      .addStringOption((o) => o.setName('visuals').setDescription('What new videos\' scenes show').addChoices(
        { name: 'stock footage (Pexels, Pixabay)', value: 'stock' }, { name: 'AI pictures', value: 'ai' }, { name: 'offline art', value: 'offline' }))
      .addIntegerOption((o) => o.setName('quota').setDescription('Renders per day in this channel').setMinValue(0).setMaxValue(1000))
      .addIntegerOption((o) => o.setName('drafts').setDescription('Plans in progress per person').setMinValue(1).setMaxValue(100))
      .addChannelOption((o) => o.setName('publish_channel').setDescription('Where scheduled videos are posted').addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement))
      .addBooleanOption((o) => o.setName('clear_publish_channel').setDescription('Stop posting to a publish channel'))
      .addStringOption((o) => o.setName('timezone').setDescription('Time zone scheduled times are read in, e.g. Europe/Berlin').setMaxLength(64))
      .addStringOption((o) => o.setName('webhook').setDescription('URL that receives each post (n8n, Zapier, Make); "off" to remove').setMaxLength(500)));
  return cmd;
}
