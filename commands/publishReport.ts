import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/logger';
import type { Db, Project } from '../db/client';
import { getChatSettings } from '../db/repos/chatSettings';
import type { ChannelPost, ChannelSender } from '../pipeline/publish/targets/chat';
import type { SchedulerEvents } from '../pipeline/schedule/scheduler';
import { describeTime } from '../pipeline/schedule/when';
import { buttonId } from './buttonIds';
import type { ChatPublisher } from './delivery';
import { clip, type View } from './view';

/** "3 h 12 min", "2 days" */
export function formatDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return h < 48 ? `${h} h${min % 60 ? ` ${min % 60} min` : ''}` : `${Math.round(h / 24)} days`;
}

/** A publication as a channel message: the caption, the video and its cover. */
export function channelPostView(post: ChannelPost): View {
  return {
    text: clip(post.caption, 1000),
    files: [{ path: post.video.path, name: 'video.mp4', kind: 'video', width: post.video.width, height: post.video.height, durationSec: post.video.durationSec, thumbPath: post.video.thumbPath }],
  };
}

/** The chat target's way into each platform, over the same publishers that post progress. */
export function channelSenders(publishers: ChatPublisher[]): ChannelSender[] {
  return publishers.map((p) => ({
    platform: p.platform,
    dedupesByNonce: p.platform === 'discord',
    uploadLimit: (channelId) => p.uploadLimit(channelId),
    send: (channelId, post, opts) => p.post(channelId, channelPostView(post), opts),
  }));
}

/**
 * Tells each project's chat what the scheduler did: posted (with the link, and how late when a
 * worker was down at the time), or failed for good (why, what to do, and a Post now button).
 * Retries stay quiet; the last failure speaks. Terminal projects go to the log.
 */
export function attachPublishReporter(deps: { db: Db; log: Logger }, scheduler: EventEmitter<SchedulerEvents>, publishers: ChatPublisher[]): () => void {
  const byPlatform = new Map(publishers.map((p) => [p.platform, p]));
  const tell = async (project: Project, view: View) => {
    const pub = byPlatform.get(project.platform as 'discord' | 'telegram');
    if (!pub) {
      deps.log.info({ projectId: project.id, message: view.text }, view.title ?? 'publication');
      return;
    }
    await pub.send(project.chatId, view);
  };
  const onPosted = ({ publication: p, label, receipt, lateMs }: SchedulerEvents['posted'][0]) => {
    void (async () => {
      const zone = (await getChatSettings(deps.db, p.project.platform, p.project.chatId)).timezone;
      const late = lateMs ? `\nThis went out ${formatDuration(lateMs)} late: no worker was running at ${describeTime(p.dueAt, zone).local}.` : '';
      await tell(p.project, { text: `Posted “${clip(p.project.title, 150)}” to ${label}.${receipt.url ? `\n${receipt.url}` : ''}${receipt.note ? `\n${receipt.note}` : ''}${late}` });
    })().catch((err: unknown) => deps.log.warn({ err, publicationId: p.id }, 'could not tell the chat about a post'));
  };
  const onFailed = ({ publication: p, label, reason, advice }: SchedulerEvents['failed'][0]) => {
    void tell(p.project, {
      title: `Not posted — ${clip(p.project.title, 200)}`,
      text: `Could not post to ${label}: ${clip(reason, 600)}.\n${advice}`,
      buttons: [[
        { id: buttonId('postnow', p.project.id), label: '📤 Post now', style: 'primary' },
        { id: buttonId('scheduled', p.project.id), label: '📋 Scheduled posts', style: 'secondary' },
      ]],
    }).catch((err: unknown) => deps.log.warn({ err, publicationId: p.id }, 'could not tell the chat about a failed post'));
  };
  scheduler.on('posted', onPosted);
  scheduler.on('failed', onFailed);
  return () => {
    scheduler.off('posted', onPosted);
    scheduler.off('failed', onFailed);
  };
}
