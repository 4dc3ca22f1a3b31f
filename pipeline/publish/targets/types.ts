import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Project } from '../../../db/client';
import type { ChatSettingsView } from '../../../db/repos/chatSettings';
import type { Handoff, PublicationView } from '../../../db/repos/publications';
import type { RunView } from '../../../db/repos/runs';

/** The kinds of place a video can be posted to. */
export const TARGET_KINDS = ['chat', 'folder', 'webhook', 'tiktok', 'youtube'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** What every target gets to post: the files, the words, and a way to record hand-offs. */
export interface PublishItem {
  publication: PublicationView;
  project: Project;
  run: RunView;
  meta: PostMeta;
  /** What earlier attempts of this post recorded (empty on the first). */
  handoff: Handoff;
  /**
   * Records state before or after an irreversible step (a message sent, an upload session
   * opened, a publish id), so an attempt resumed after a crash continues — or refuses to repeat —
   * instead of posting twice. Throws when another process took the post over.
   */
  saveHandoff(state: Handoff): Promise<void>;
  signal: AbortSignal;
}

export interface PostMeta {
  title: string;
  caption: string;
  hashtags: string[];
  durationSec: number;
  videoPath: string;
  thumbPath?: string;
  srtPath?: string;
}

/** Where a post ended up. */
export interface PublishReceipt {
  /** The post's id at the target (message id, folder entry, the receiver's id). */
  externalId?: string;
  url?: string;
  /** A remark for the chat (e.g. "visible only to you until the app is audited"). */
  note?: string;
}

/** What a target is told when someone schedules a post to it. */
export interface PrepareContext {
  project: Project;
  settings: ChatSettingsView;
  /** Where exactly, when the person said (the terminal's `folder:/dir`, `webhook:https://…`). */
  ref?: string;
}

/**
 * A place to post (chat channel, folder, webhook; TikTok and YouTube later), one file each.
 * `prepare` runs when someone schedules: it turns their choice into the stored reference and
 * refuses, with what to set up, what cannot work. `publish` runs in the scheduler, possibly
 * again after a crash: it reads `item.handoff` to resume (an upload session, a publish id to
 * poll) and records its own progress with `saveHandoff` before each step it cannot take back.
 */
export interface PublishTarget {
  kind: TargetKind;
  /**
   * Uploads as soon as it is scheduled and lets the platform publish at the chosen time (YouTube's
   * publishAt), instead of uploading at that time.
   */
  uploadsAhead?: boolean;
  /** "the channel 123", "the folder /srv/out", "the webhook at n8n.example.com" — for people. */
  label(ref: string): string;
  prepare(ctx: PrepareContext): Promise<string>;
  /** What the team should know when scheduling (TikTok: "visible only to you until audited"); throws a UserError when it cannot work. */
  scheduleNote?(ref: string, project: Project, durationSec: number): Promise<string | undefined>;
  publish(item: PublishItem, ref: string): Promise<PublishReceipt>;
}

/**
 * A failure a target understands. `retryable` ones (network, 5xx, rate limits) are tried again
 * with backoff (or after `retryAfterMs`); the rest stop at once. `advice` is what the chat is
 * told to do next.
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(message: string, readonly retryable: boolean, readonly advice = '', readonly retryAfterMs?: number) {
    super(message);
  }
}

/** A request that got no HTTP answer at all: retryable. */
export function networkError(err: unknown, what: string): PublishError {
  if (err instanceof PublishError) return err;
  if ((err as Error).name === 'TimeoutError') return new PublishError(`${what} did not answer in time`, true, 'It will be tried again.');
  const cause = (err as { cause?: { code?: string } }).cause?.code;
  return new PublishError(`${what} could not be reached${cause ? ` (${cause})` : ''}`, true, 'It will be tried again.');
}

const exportSchema = z.object({ title: z.string().optional(), caption: z.string(), hashtags: z.array(z.string()), durationSec: z.number().optional() });

/** The words and files of a finished run, from its export.json. */
export function postMetaFor(project: Project, run: RunView): PostMeta {
  const videoPath = run.artifacts.mp4Path;
  if (!videoPath || !existsSync(videoPath)) throw new PublishError('the rendered video is missing on this server', false, 'Re-render the video, then schedule it again.');
  const exported = run.artifacts.exportJsonPath && existsSync(run.artifacts.exportJsonPath)
    ? exportSchema.parse(JSON.parse(readFileSync(run.artifacts.exportJsonPath, 'utf8')))
    : { caption: project.title, hashtags: [] as string[], durationSec: undefined };
  const exists = (p?: string) => (p && existsSync(p) ? p : undefined);
  return {
    title: exported.title ?? project.title,
    caption: exported.caption,
    hashtags: exported.hashtags,
    durationSec: exported.durationSec ?? project.targetLengthSec,
    videoPath,
    thumbPath: exists(run.artifacts.thumbPath),
    srtPath: exists(run.artifacts.srtPath),
  };
}

/** The metadata document targets hand over with the files (folder's metadata.json, the webhook's `metadata` part). */
export function metadataDocument(item: PublishItem, postedAt: Date): Record<string, unknown> {
  return {
    publicationId: item.publication.id,
    projectId: item.project.id,
    runId: item.run.id,
    title: item.meta.title,
    topic: item.project.topic,
    niche: item.project.nichePackId,
    language: item.project.language,
    caption: item.meta.caption,
    hashtags: item.meta.hashtags,
    durationSec: item.meta.durationSec,
    scheduledFor: item.publication.dueAt.toISOString(),
    postedAt: postedAt.toISOString(),
    chat: { platform: item.project.platform, chatId: item.project.chatId },
  };
}
