import { statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { UserError } from '../../../core/errors';
import { accountFor, prepareLinkedAccount, type AccountTargetOptions } from './linkedAccount';
import { networkError, PublishError, type PublishItem, type PublishTarget } from './types';

export interface TikTokOptions extends AccountTargetOptions {
  /** TIKTOK_API_URL (https://open.tiktokapis.com). */
  apiUrl: string;
  /** How often the post's status is asked while TikTok processes it. */
  pollMs?: number;
  /** How long one attempt waits for TikTok to finish before handing over to a later attempt. */
  pollForMs?: number;
}

const MB = 1024 * 1024;
/** TikTok's caption limit (UTF-16 code units). */
const CAPTION_MAX = 2200;
/** Most public first: the post takes the most public level TikTok offers this creator. */
const PRIVACY = ['PUBLIC_TO_EVERYONE', 'FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];

/**
 * How a file is cut for TikTok: under 5 MB in one piece; otherwise 10 MB chunks, the remainder
 * joining the last one (TikTok: 5–64 MB each, the last up to 128 MB, count = floor(size / chunk)).
 */
export function tiktokChunks(size: number): { chunkSize: number; count: number } {
  if (size < 5 * MB) return { chunkSize: size, count: 1 };
  const chunkSize = 10 * MB;
  return { chunkSize, count: Math.floor(size / chunkSize) };
}

/** The caption cut to TikTok's limit without splitting a character. */
export const tiktokCaption = (caption: string): string => {
  let out = caption;
  while (out.length > CAPTION_MAX) out = [...out].slice(0, -1).join('');
  return out;
};

interface Envelope<T> {
  data?: T;
  error?: { code?: string; message?: string };
}

interface CreatorInfo {
  creator_username?: string;
  privacy_level_options?: string[];
  comment_disabled?: boolean;
  duet_disabled?: boolean;
  stitch_disabled?: boolean;
  max_video_post_duration_sec?: number;
}

interface PublishStatus {
  status?: string;
  fail_reason?: string;
  publicaly_available_post_id?: (string | number)[];
}

const DONE = new Set(['PUBLISH_COMPLETE', 'SEND_TO_USER_INBOX']);

/**
 * TikTok Content Posting API, Direct Post: the creator's settings are asked before each post
 * (only the privacy levels TikTok returns are used), the file goes up with FILE_UPLOAD in ordered
 * chunks with `Content-Range`, then the status is polled until PUBLISH_COMPLETE or FAILED. The
 * publish id is recorded before the first byte: after a crash, an upload that completed is only
 * polled again, and one that did not is started over (TikTok never publishes half an upload).
 */
export function makeTikTokTarget(opts: TikTokOptions): PublishTarget {
  const pollMs = opts.pollMs ?? 3000;
  const pollForMs = opts.pollForMs ?? 10 * 60_000;

  async function api<T>(path: string, body: unknown, token: (force?: boolean) => Promise<string>, signal: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${opts.apiUrl}${path}`, {
          method: 'POST', headers: { authorization: `Bearer ${await token(attempt > 0)}`, 'content-type': 'application/json; charset=UTF-8' },
          body: JSON.stringify(body), signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]),
        });
      } catch (err) {
        if (signal.aborted) throw err;
        throw networkError(err, 'TikTok');
      }
      const json = (await res.json().catch(() => ({}))) as Envelope<T>;
      const code = json.error?.code ?? (res.ok ? 'ok' : `http_${res.status}`);
      if (code === 'ok' && res.ok) return json.data as T;
      if ((code === 'access_token_invalid' || res.status === 401) && attempt === 0) continue;
      throw refusal(code, json.error?.message ?? `HTTP ${res.status}`, res.status);
    }
  }

  function refusal(code: string, message: string, status: number): PublishError {
    const said = `${code}: ${message}`.replace(/[\p{Cc}]/gu, ' ').slice(0, 200);
    if (code === 'access_token_invalid' || code === 'scope_not_authorized' || status === 401) {
      return new PublishError(`TikTok refused the saved login (${said})`, false, 'Link the account again with /video connect tiktok, then press Post now.');
    }
    if (code === 'spam_risk_too_many_posts' || code === 'spam_risk_user_banned_from_posting') {
      return new PublishError(`TikTok says this account posted too much for now (${said})`, true, 'It tries again in an hour.', 3_600_000);
    }
    if (code === 'rate_limit_exceeded' || status === 429) return new PublishError(`TikTok is rate-limiting (${said})`, true, 'It will be tried again.', 60_000);
    if (code === 'unaudited_client_can_only_post_to_private_accounts') {
      return new PublishError(`TikTok refused the post (${said})`, false, 'Until the TikTok app is audited, the linked account must be private: make it private in TikTok, then press Post now.');
    }
    if (status >= 500) return new PublishError(`TikTok had a problem (${said})`, true, 'It will be tried again.');
    return new PublishError(`TikTok refused the post (${said})`, false, 'Check the video (length, size) and the account, then press Post now.');
  }

  async function upload(item: PublishItem, uploadUrl: string, size: number, signal: AbortSignal): Promise<void> {
    const { chunkSize, count } = tiktokChunks(size);
    const file = await open(item.meta.videoPath, 'r');
    try {
      for (let k = 0; k < count; k++) {
        const start = k * chunkSize;
        const end = k === count - 1 ? size - 1 : start + chunkSize - 1;
        const body = Buffer.alloc(end - start + 1);
        await file.read(body, 0, body.length, start);
        let res: Response;
        try {
          res = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-type': 'video/mp4', 'content-range': `bytes ${start}-${end}/${size}` }, body, signal: AbortSignal.any([signal, AbortSignal.timeout(300_000)]) });
        } catch (err) {
          if (signal.aborted) throw err;
          throw networkError(err, 'TikTok');
        }
        if (res.status !== 201 && res.status !== 206 && res.status !== 200) throw refusal(`upload_${res.status}`, (await res.text().catch(() => '')).slice(0, 120), res.status);
      }
    } finally {
      await file.close();
    }
  }

  return {
    kind: 'tiktok',
    label: () => 'TikTok',
    prepare: ({ project }) => prepareLinkedAccount(opts, project),
    async scheduleNote(accountId, project, durationSec) {
      const { account, token } = await accountFor(opts, project, accountId).catch((err: Error) => {
        throw new UserError('no_account', err.message);
      });
      const info = await api<CreatorInfo>('/v2/post/publish/creator_info/query/', {}, token, AbortSignal.timeout(20_000)).catch((err: Error) => {
        throw new UserError('tiktok_refused', `${err.message}. Nothing was scheduled.`);
      });
      if (info.max_video_post_duration_sec && durationSec > info.max_video_post_duration_sec) {
        throw new UserError('tiktok_too_long', `TikTok lets ${account.displayName} post up to ${info.max_video_post_duration_sec} s; this video is ${Math.round(durationSec)} s. Nothing was scheduled.`);
      }
      const options = info.privacy_level_options ?? [];
      if (options.length === 1 && options[0] === 'SELF_ONLY') return `TikTok: the app is not audited yet, so the post will be visible only to ${account.displayName} (SELF_ONLY).`;
      return undefined;
    },
    async publish(item, accountId) {
      const { account, token } = await accountFor(opts, item.project, accountId);
      const size = statSync(item.meta.videoPath).size;
      const signal = item.signal;
      let publishId = typeof item.handoff.publishId === 'string' ? item.handoff.publishId : null;
      let uploaded = item.handoff.uploaded === true;
      if (publishId && !uploaded) {
        // A crash came mid-upload: TikTok decides whether it got the whole file.
        const s = await api<PublishStatus>('/v2/post/publish/status/fetch/', { publish_id: publishId }, token, signal).catch(() => null);
        uploaded = Boolean(s?.status && s.status !== 'PROCESSING_UPLOAD' && s.status !== 'FAILED');
        if (!uploaded) publishId = null;
      }
      let privacy = typeof item.handoff.privacy === 'string' ? item.handoff.privacy : '';
      if (!publishId) {
        const info = await api<CreatorInfo>('/v2/post/publish/creator_info/query/', {}, token, signal);
        privacy = PRIVACY.find((p) => info.privacy_level_options?.includes(p)) ?? 'SELF_ONLY';
        if (info.max_video_post_duration_sec && item.meta.durationSec > info.max_video_post_duration_sec) {
          throw new PublishError(`TikTok lets this account post up to ${info.max_video_post_duration_sec} s; the video is ${Math.round(item.meta.durationSec)} s`, false, 'Make a shorter video for TikTok.');
        }
        const { chunkSize, count } = tiktokChunks(size);
        const init = await api<{ publish_id: string; upload_url: string }>('/v2/post/publish/video/init/', {
          post_info: {
            title: tiktokCaption(item.meta.caption), privacy_level: privacy,
            disable_comment: Boolean(info.comment_disabled), disable_duet: Boolean(info.duet_disabled), disable_stitch: Boolean(info.stitch_disabled),
            video_cover_timestamp_ms: 1000,
          },
          source_info: { source: 'FILE_UPLOAD', video_size: size, chunk_size: chunkSize, total_chunk_count: count },
        }, token, signal);
        publishId = init.publish_id;
        await item.saveHandoff({ publishId, privacy, uploaded: false });
        await upload(item, init.upload_url, size, signal);
        await item.saveHandoff({ publishId, privacy, uploaded: true });
      }
      // TikTok moderates before it publishes: usually under a minute, sometimes much longer.
      const until = Date.now() + pollForMs;
      for (;;) {
        const s = await api<PublishStatus>('/v2/post/publish/status/fetch/', { publish_id: publishId }, token, signal);
        if (s.status === 'FAILED') throw new PublishError(`TikTok did not publish the video (${s.fail_reason ?? 'no reason given'})`, false, 'Check the video against TikTok\'s rules, then press Post now to send it again.');
        if (s.status && DONE.has(s.status)) {
          const postId = s.publicaly_available_post_id?.[0];
          const user = account.displayName.replace(/^@/, '');
          return {
            externalId: postId ? String(postId) : publishId,
            url: postId ? `https://www.tiktok.com/@${user}/video/${postId}` : undefined,
            note: privacy === 'SELF_ONLY' ? 'Visible only to the account until the TikTok app is audited (SELF_ONLY).' : undefined,
          };
        }
        if (Date.now() > until) throw new PublishError('TikTok is still processing the video', true, 'Its status is checked again shortly; nothing is uploaded twice.', 60_000);
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
  };
}
