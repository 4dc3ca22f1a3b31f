import { open } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { statSync } from 'node:fs';
import { accountFor, prepareLinkedAccount, type AccountTargetOptions } from './linkedAccount';
import { networkError, PublishError, type PublishItem, type PublishTarget } from './types';

export interface YouTubeOptions extends AccountTargetOptions {
  /** YOUTUBE_API_URL (https://www.googleapis.com). */
  apiUrl: string;
  categoryId: string;
  /** Bytes per PUT: a multiple of 256 KiB (8 MiB by default; tests use less). */
  chunkBytes?: number;
  now?: () => Date;
}

const QUANTUM = 256 * 1024;

/** YouTube forbids angle brackets in titles and caps them at 100 characters. */
export const youtubeTitle = (title: string): string => [...title.replace(/[<>]/g, '')].slice(0, 100).join('').trim() || 'Short';

/** The description: the caption (with its hashtags) and #Shorts, within 5000 bytes. */
export function youtubeDescription(caption: string): string {
  const text = /#shorts\b/i.test(caption) ? caption : `${caption}\n#Shorts`;
  let out = text.replace(/[<>]/g, '');
  while (Buffer.byteLength(out) > 5000) out = out.slice(0, -100);
  return out;
}

/** The next midnight in Pacific time, when YouTube's daily quota starts again. */
export function nextQuotaReset(now: Date): Date {
  return DateTime.fromJSDate(now, { zone: 'America/Los_Angeles' }).plus({ days: 1 }).startOf('day').plus({ minutes: 5 }).toJSDate();
}

interface YouTubeError {
  error?: { code?: number; message?: string; errors?: { reason?: string; message?: string }[] };
}

/**
 * YouTube (Data API v3) through a resumable upload written by hand (the googleapis client
 * sends one multipart request and keeps no session). The session URI is recorded on the
 * publication before the first byte, so an upload cut off by a crash or a dropped connection
 * asks YouTube what it has (`Content-Range: bytes *\/N` → 308 with `Range`) and continues from
 * the byte after it. A post due later is uploaded at once as private with `status.publishAt`,
 * and YouTube itself publishes it on time.
 */
export function makeYouTubeTarget(opts: YouTubeOptions): PublishTarget {
  const chunk = Math.max(QUANTUM, Math.floor((opts.chunkBytes ?? 32 * QUANTUM) / QUANTUM) * QUANTUM);
  const now = () => opts.now?.() ?? new Date();

  async function call(url: string, init: RequestInit, token: (force?: boolean) => Promise<string>, signal: AbortSignal): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${await token(attempt > 0)}` }, signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]) });
      } catch (err) {
        if (signal.aborted) throw err;
        throw networkError(err, 'YouTube');
      }
      // An access token can die early (revoked, clock skew): one refresh, then it is a real refusal.
      if (res.status === 401 && attempt === 0) continue;
      return res;
    }
  }

  async function refusal(res: Response): Promise<PublishError> {
    const body = (await res.json().catch(() => ({}))) as YouTubeError;
    const reason = body.error?.errors?.[0]?.reason ?? '';
    const message = (body.error?.message ?? `HTTP ${res.status}`).replace(/[\p{Cc}]/gu, ' ').slice(0, 200);
    if (res.status === 401) return new PublishError(`YouTube refused the saved login (${message})`, false, 'Link the account again with /video connect youtube, then press Post now.');
    if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded' || reason === 'uploadLimitExceeded') {
      const at = nextQuotaReset(now());
      return new PublishError(`YouTube's daily upload quota is used up (${reason})`, true, `It tries again tomorrow at ${at.toISOString().slice(11, 16)} UTC, when the quota resets.`, at.getTime() - now().getTime());
    }
    if (res.status === 429 || reason === 'rateLimitExceeded' || res.status >= 500) return new PublishError(`YouTube is busy (${message})`, true, 'It will be tried again.');
    return new PublishError(`YouTube rejected the video (${reason ? `${reason}: ` : ''}${message})`, false, 'Check the video and the channel (length, size, channel status), then press Post now.');
  }

  /** How many bytes YouTube has of a session: null when the session is gone; the video when done. */
  async function confirmed(sessionUri: string, size: number, token: (force?: boolean) => Promise<string>, signal: AbortSignal): Promise<{ next: number } | { videoId: string } | null> {
    const res = await call(sessionUri, { method: 'PUT', headers: { 'content-range': `bytes */${size}`, 'content-length': '0' } }, token, signal);
    if (res.status === 200 || res.status === 201) return { videoId: String(((await res.json()) as { id: string }).id) };
    if (res.status === 308) {
      const range = /bytes=0-(\d+)/.exec(res.headers.get('range') ?? '');
      return { next: range ? Number(range[1]) + 1 : 0 };
    }
    if (res.status === 404 || res.status === 410) return null;
    throw await refusal(res);
  }

  async function startSession(item: PublishItem, size: number, token: (force?: boolean) => Promise<string>): Promise<string> {
    const later = item.publication.dueAt.getTime() - now().getTime() > 60_000;
    const resource = {
      snippet: {
        title: youtubeTitle(item.meta.title), description: youtubeDescription(item.meta.caption), categoryId: opts.categoryId,
        tags: item.meta.hashtags.map((h) => h.replace(/^#/, '')).slice(0, 15), defaultLanguage: item.project.language,
      },
      // publishAt only works on a private video: YouTube makes it public at that moment.
      status: { privacyStatus: later ? 'private' : 'public', ...(later ? { publishAt: item.publication.dueAt.toISOString() } : {}), selfDeclaredMadeForKids: false },
    };
    const res = await call(`${opts.apiUrl}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=UTF-8', 'x-upload-content-length': String(size), 'x-upload-content-type': 'video/mp4' },
      body: JSON.stringify(resource),
    }, token, item.signal);
    const location = res.headers.get('location');
    if (!res.ok || !location) throw await refusal(res);
    return location;
  }

  return {
    kind: 'youtube',
    uploadsAhead: true,
    label: () => 'YouTube',
    prepare: ({ project }) => prepareLinkedAccount(opts, project),
    async publish(item, accountId) {
      const { account, token } = await accountFor(opts, item.project, accountId);
      const size = statSync(item.meta.videoPath).size;
      const receipt = (videoId: string) => {
        const later = item.publication.dueAt.getTime() - now().getTime() > 60_000;
        return {
          externalId: videoId, url: `https://youtube.com/shorts/${videoId}`,
          note: later ? `Uploaded to ${account.displayName} as private: YouTube publishes it at ${item.publication.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.` : undefined,
        };
      };
      if (typeof item.handoff.videoId === 'string') return receipt(item.handoff.videoId);
      let sessionUri = typeof item.handoff.sessionUri === 'string' && item.handoff.size === size ? item.handoff.sessionUri : null;
      let offset = 0;
      if (sessionUri) {
        const state = await confirmed(sessionUri, size, token, item.signal);
        if (state && 'videoId' in state) {
          await item.saveHandoff({ sessionUri, size, videoId: state.videoId });
          return receipt(state.videoId);
        }
        if (state) offset = state.next;
        else sessionUri = null; // expired (about a week): a new session starts from zero
      }
      if (!sessionUri) {
        sessionUri = await startSession(item, size, token);
        await item.saveHandoff({ sessionUri, size });
      }
      const file = await open(item.meta.videoPath, 'r');
      try {
        for (;;) {
          const length = Math.min(chunk, size - offset);
          const body = Buffer.alloc(length);
          await file.read(body, 0, length, offset);
          const res = await call(sessionUri, { method: 'PUT', headers: { 'content-range': `bytes ${offset}-${offset + length - 1}/${size}`, 'content-type': 'video/mp4' }, body }, token, item.signal);
          if (res.status === 200 || res.status === 201) {
            const videoId = String(((await res.json()) as { id: string }).id);
            await item.saveHandoff({ sessionUri, size, videoId });
            return receipt(videoId);
          }
          if (res.status !== 308) throw await refusal(res);
          // YouTube says how much it kept; the next chunk starts right after that.
          const range = /bytes=0-(\d+)/.exec(res.headers.get('range') ?? '');
          offset = range ? Number(range[1]) + 1 : 0;
        }
      } finally {
        await file.close();
      }
    },
  };
}
