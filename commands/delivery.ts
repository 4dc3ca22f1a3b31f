import type { EventEmitter } from 'node:events';
import { getProject } from '../db/repos/projects';
import { getRun, setRunMessageRefs } from '../db/repos/runs';
import type { ProgressEvent } from '../pipeline/render/execute';
import { fitToLimit } from '../pipeline/render/fitSize';
import type { RunnerEvents } from '../pipeline/render/runner';
import type { CommandDeps } from './context';
import { failureView, progressView, resultView } from './runViews';
import type { View } from './view';

/** How an adapter posts and edits ordinary chat messages (no interaction tokens: they expire). */
export interface ChatPublisher {
  platform: 'discord' | 'telegram';
  /** Shortest gap between two edits of one message. */
  minEditIntervalMs: number;
  /** Posts a new message, returning its id. */
  send(channelId: string, view: View): Promise<string>;
  /** Replaces a message's content and buttons. */
  edit(channelId: string, messageId: string, view: View): Promise<void>;
  /** Largest upload this channel accepts, in bytes. */
  uploadLimit(channelId: string): Promise<number>;
  /**
   * Publishes a post (the scheduler's chat target): returns the message id and its link. Throws
   * ChannelRefusedError or ChannelUnreachableError when surely nothing was posted; `nonce` makes
   * a repeat a no-op where the platform supports it (Discord, for a few minutes).
   */
  post(channelId: string, view: View, opts: { nonce: string; guildId?: string }): Promise<{ messageId: string; url?: string }>;
}

interface Pending {
  last: number;
  inFlight: boolean;
  timer?: NodeJS.Timeout;
  event?: ProgressEvent;
}

/**
 * Turns render events into chat messages: one progress message per run, edited no more often
 * than the platform allows (the latest state always lands), then the video — fitted to the
 * channel's upload limit — or a readable failure. Works from any process: message references
 * live on the Run.
 */
export function attachRunReporter(deps: CommandDeps & { ffmpeg: string; format: { width: number; height: number } }, runner: EventEmitter<RunnerEvents>, publishers: ChatPublisher[]): () => void {
  const byPlatform = new Map(publishers.map((p) => [p.platform, p]));
  const pending = new Map<string, Pending>();
  // Progress ticks can arrive (after an async lookup) just after a run finished: ignore those for
  // a few seconds (a retried run reports again later).
  const finishedAt = new Map<string, number>();
  const justFinished = (runId: string) => Date.now() - (finishedAt.get(runId) ?? 0) < 5000;

  async function target(runId: string) {
    const run = await getRun(deps.db, runId);
    const project = await getProject(deps.db, run.projectId);
    const pub = byPlatform.get(project.platform as 'discord' | 'telegram');
    const channelId = run.messageRefs.channelId ?? project.chatId;
    return pub ? { run, project, pub, channelId } : null;
  }

  async function show(runId: string, view: (t: NonNullable<Awaited<ReturnType<typeof target>>>) => View, create = true): Promise<void> {
    const t = await target(runId);
    if (!t) return;
    const v = view(t);
    if (t.run.messageRefs.progressMessageId) await t.pub.edit(t.channelId, t.run.messageRefs.progressMessageId, v);
    else if (create) {
      // Only final states post a new message: the adapter records the progress message it posted
      // at approval, and an early progress tick must not race it into a second message.
      const id = await t.pub.send(t.channelId, v);
      await setRunMessageRefs(deps.db, runId, { ...t.run.messageRefs, channelId: t.channelId, progressMessageId: id });
    }
  }

  const schedule = (runId: string, interval: number) => {
    const p = pending.get(runId);
    if (!p?.event || p.inFlight || p.timer) return;
    const wait = p.last + interval - Date.now();
    if (wait <= 0) flush(runId, interval);
    else p.timer = setTimeout(() => {
      p.timer = undefined;
      flush(runId, interval);
    }, wait);
  };

  // One edit in flight per run, and the next starts no sooner than `interval` after the last
  // one finished: the platform sees evenly spaced edits, and the newest state always lands.
  const flush = (runId: string, interval: number) => {
    const p = pending.get(runId);
    if (!p?.event || p.inFlight) return;
    const e = p.event;
    p.event = undefined;
    p.inFlight = true;
    void show(runId, (t) => progressView(t.project, t.run, e), false)
      .catch((err) => deps.log.warn({ err, runId }, 'progress edit failed'))
      .finally(() => {
        p.inFlight = false;
        p.last = Date.now();
        if (pending.get(runId) === p) schedule(runId, interval);
      });
  };

  const onProgress = (e: ProgressEvent) => {
    if (justFinished(e.runId)) return;
    void target(e.runId).then((t) => {
      if (!t || justFinished(e.runId)) return;
      const p = pending.get(e.runId) ?? { last: 0, inFlight: false };
      pending.set(e.runId, p);
      p.event = e;
      schedule(e.runId, t.pub.minEditIntervalMs);
    }).catch(() => undefined);
  };

  /** Stops progress edits for a run and waits until its last edit is an interval old. */
  const finish = async (runId: string): Promise<void> => {
    finishedAt.set(runId, Date.now());
    const p = pending.get(runId);
    clearTimeout(p?.timer);
    pending.delete(runId);
    if (!p) return;
    while (p.inFlight) await new Promise((r) => setTimeout(r, 50));
    const t = await target(runId).catch(() => null);
    const wait = p.last + (t?.pub.minEditIntervalMs ?? 0) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };

  const onDone = ({ runId }: { runId: string }) => {
    void (async () => {
      await finish(runId);
      const t = await target(runId);
      if (!t) return;
      if (t.run.messageRefs.progressMessageId) await t.pub.edit(t.channelId, t.run.messageRefs.progressMessageId, { text: `Rendered “${t.project.title}”. The video follows.` });
      const limit = Number(t.run.messageRefs.uploadLimit) || (await t.pub.uploadLimit(t.channelId));
      const duration = Number(t.run.resumeState.steps.ffmpeg_render?.outputs.durationSec ?? t.project.targetLengthSec);
      let path: string;
      try {
        path = await fitToLimit(deps.ffmpeg, t.run.artifacts.mp4Path!, limit, duration, deps.format.width, deps.format.height);
      } catch (err) {
        await t.pub.send(t.channelId, { text: `The video is ready but too large to upload here (${(err as Error).message}). It is saved on the server as ${t.run.artifacts.mp4Path}.` });
        return;
      }
      await t.pub.send(t.channelId, resultView(t.project, t.run, path, deps.format.width, deps.format.height));
    })().catch((err) => deps.log.error({ err, runId }, 'posting the video failed'));
  };

  const onFailed = ({ runId }: { runId: string }) => {
    void finish(runId)
      .then(() => show(runId, (t) => failureView(t.project, t.run)))
      .catch((err) => deps.log.warn({ err, runId }, 'failure post failed'));
  };

  const onCanceled = ({ runId }: { runId: string }) => {
    void finish(runId)
      .then(() => show(runId, (t) => ({ text: `Render of “${t.project.title}” canceled. The plan is kept; approve again when ready.` })))
      .catch(() => undefined);
  };

  runner.on('progress', onProgress);
  runner.on('done', onDone);
  runner.on('failed', onFailed);
  runner.on('canceled', onCanceled);
  return () => {
    runner.off('progress', onProgress);
    runner.off('done', onDone);
    runner.off('failed', onFailed);
    runner.off('canceled', onCanceled);
    for (const id of pending.keys()) void finish(id);
  };
}
