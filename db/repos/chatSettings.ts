import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { ChatSettings, Db } from '../client';
import { idListSchema, parseJson, toJson } from '../json';

/** Per-chat settings with their JSON columns parsed. */
export type ChatSettingsView = Omit<ChatSettings, 'id' | 'createdAt' | 'updatedAt'> & {
  approverRoleIds: string[];
  approverUserIds: string[];
};

export const chatSettingsPatchSchema = z.object({
  approverRoleIds: z.array(z.string().regex(/^\d{1,25}$/)).max(25).optional(),
  approverUserIds: z.array(z.string().regex(/^-?\d{1,25}$/)).max(100).optional(),
  defaultNichePackId: z.string().nullable().optional(),
  defaultVoicePreset: z.string().nullable().optional(),
  defaultTargetLengthSec: z.number().int().nullable().optional(),
  defaultTempo: z.string().nullable().optional(),
  defaultLanguage: z.string().nullable().optional(),
  defaultVisuals: z.enum(['stock', 'ai', 'offline'], { message: 'must be stock, ai or offline' }).nullable().optional(),
  publishChannelId: z.string().nullable().optional(),
  dailyRenderQuota: z.number().int().min(0).max(1000).optional(),
  maxDraftsPerUser: z.number().int().min(1).max(100).optional(),
  timezone: z.string().max(64).refine((name) => IANAZone.isValidZone(name), { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' }).optional(),
  webhookUrl: z.string().max(500).regex(/^https?:\/\/\S+$/i, { message: 'must be an http(s) URL' }).nullable().optional(),
});
export type ChatSettingsPatch = z.infer<typeof chatSettingsPatchSchema>;

const DEFAULTS = {
  approverRoleIdsJson: '[]',
  approverUserIdsJson: '[]',
  defaultNichePackId: null,
  defaultVoicePreset: null,
  defaultTargetLengthSec: null,
  defaultTempo: null,
  defaultLanguage: null,
  defaultVisuals: null,
  publishChannelId: null,
  dailyRenderQuota: 20,
  maxDraftsPerUser: 5,
  timezone: 'UTC',
  webhookUrl: null,
};


function view(row: Omit<ChatSettings, 'id' | 'createdAt' | 'updatedAt'>): ChatSettingsView {
  return {
    ...row,
    approverRoleIds: parseJson(idListSchema, row.approverRoleIdsJson, 'ChatSettings.approverRoleIdsJson'),
    approverUserIds: parseJson(idListSchema, row.approverUserIdsJson, 'ChatSettings.approverUserIdsJson'),
  };
}

/** A chat's settings; a chat nobody configured gets the defaults (nothing is written). */
export async function getChatSettings(db: Db, platform: string, chatId: string): Promise<ChatSettingsView> {
  const row = await db.chatSettings.findUnique({ where: { platform_chatId: { platform, chatId } } });
  return view(row ?? { platform, chatId, ...DEFAULTS });
}

/** Applies a validated patch to a chat's settings, creating the row on first use. */
export async function updateChatSettings(db: Db, platform: string, chatId: string, patch: ChatSettingsPatch): Promise<ChatSettingsView> {
  const p = chatSettingsPatchSchema.parse(patch);
  const { approverRoleIds, approverUserIds, ...rest } = p;
  const data = {
    ...rest,
    ...(approverRoleIds ? { approverRoleIdsJson: toJson(idListSchema, approverRoleIds) } : {}),
    ...(approverUserIds ? { approverUserIdsJson: toJson(idListSchema, approverUserIds) } : {}),
  };
  const row = await db.chatSettings.upsert({
    where: { platform_chatId: { platform, chatId } },
    create: { platform, chatId, ...data },
    update: data,
  });
  return view(row);
}

/** Renders started in a chat since `since` (for the daily quota). */
export function countRendersSince(db: Db, platform: string, chatId: string, since: Date): Promise<number> {
  return db.run.count({ where: { createdAt: { gte: since }, project: { platform, chatId } } });
}
