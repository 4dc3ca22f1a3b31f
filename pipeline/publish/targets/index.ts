import { UserError } from '../../../core/errors';
import { makeChatTarget, type ChatTargetOptions } from './chat';
import { makeFolderTarget } from './folder';
import { TARGET_KINDS, type PublishTarget, type TargetKind } from './types';
import { makeWebhookTarget, type WebhookOptions } from './webhook';
import { makeYouTubeTarget } from './youtube';
import { makeTikTokTarget } from './tiktok';
import type { Db } from '../../../db/client';
import type { Sealer } from '../../../core/seal';
import type { OAuthProvider, ProviderId } from '../accounts/providers';

export interface TargetsOptions extends ChatTargetOptions {
  /** PUBLISH_DIR: where chats' folder posts go, one sub-folder per chat. */
  publishDir?: string;
  webhook: WebhookOptions;
  /** Linked TikTok and YouTube accounts (absent: those targets refuse, saying what to set up). */
  accounts?: { db: Db; sealer: Sealer | null; providers: Record<ProviderId, OAuthProvider> };
  youtube?: { apiUrl: string; categoryId: string; chunkBytes?: number };
  tiktok?: { apiUrl: string; pollMs?: number; pollForMs?: number };
}

/** Every place this build can post to, by kind. */
export interface Targets {
  get(kind: string): PublishTarget;
  /** How a stored target reads to people. */
  label(kind: string, ref: string): string;
  /** The kinds that upload as soon as a post is scheduled (the platform publishes at the time). */
  uploadingAhead(): string[];
}

/** The targets. Adding one: a file beside these, a line here, its kind in TARGET_KINDS, its tests. */
export function makeTargets(opts: TargetsOptions): Targets {
  const all = new Map<string, PublishTarget>([
    ['chat', makeChatTarget(opts)],
    ['folder', makeFolderTarget({ publishDir: opts.publishDir })],
    ['webhook', makeWebhookTarget(opts.webhook)],
  ]);
  if (opts.accounts && opts.youtube) {
    const { db, sealer, providers } = opts.accounts;
    all.set('youtube', makeYouTubeTarget({ db, sealer, provider: providers.youtube, ...opts.youtube }));
  }
  if (opts.accounts && opts.tiktok) {
    const { db, sealer, providers } = opts.accounts;
    all.set('tiktok', makeTikTokTarget({ db, sealer, provider: providers.tiktok, ...opts.tiktok }));
  }
  const get = (kind: string) => {
    const target = all.get(kind);
    if (!target) {
      if ((TARGET_KINDS as readonly string[]).includes(kind)) throw new UserError('target_off', `Posting to ${kind} is not set up on this server.`);
      throw new UserError('unknown_target', `I do not know the target “${kind.slice(0, 40)}”. Targets: ${TARGET_KINDS.join(', ')}.`);
    }
    return target;
  };
  return { get, label: (kind, ref) => get(kind).label(ref), uploadingAhead: () => [...all.values()].filter((t) => t.uploadsAhead).map((t) => t.kind) };
}

export interface TargetWord {
  kind: TargetKind;
  /** Given only in the terminal: `folder:/some/dir`, `webhook:https://…`. */
  ref?: string;
}

/**
 * Reads the targets a person typed — "chat webhook", "folder:/srv/out" — into kinds and
 * references. Chats name kinds only: where each goes comes from the chat's settings and the
 * server's configuration, so nobody in a chat can point the bot at a server path or a URL.
 */
export function parseTargetWords(text: string, opts: { allowRefs: boolean }): TargetWord[] {
  const words = text.trim().split(/[\s,;]+/).filter(Boolean);
  if (words.length > TARGET_KINDS.length) throw new UserError('too_many_targets', `Name at most ${TARGET_KINDS.length} targets: ${TARGET_KINDS.join(', ')}.`);
  const out = new Map<TargetKind, TargetWord>();
  for (const word of words) {
    const at = word.indexOf(':');
    const kind = (at < 0 ? word : word.slice(0, at)).toLowerCase();
    const ref = at < 0 ? undefined : word.slice(at + 1);
    if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
      throw new UserError('unknown_target', `I do not know the target “${kind.slice(0, 40)}”. Targets: ${TARGET_KINDS.join(', ')}.`);
    }
    if (ref !== undefined && (!opts.allowRefs || kind === 'chat')) {
      throw new UserError('target_ref', kind === 'chat'
        ? 'The chat target posts to the publish channel set in /video settings.'
        : `A chat names the target only (“${kind}”): where it goes is set in /video settings.`);
    }
    if (ref !== undefined && (!ref || ref.length > 500 || /[\p{Cc}]/u.test(ref))) throw new UserError('target_ref', `Give the ${kind} after the colon, e.g. ${kind === 'folder' ? 'folder:/srv/shorts' : 'webhook:https://n8n.example.com/webhook/shorts'}.`);
    out.set(kind as TargetKind, { kind: kind as TargetKind, ...(ref ? { ref } : {}) });
  }
  return [...out.values()];
}
