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
}

interface Pending {
  last: number;
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

  const flush = (runId: string) => {
    const p = pending.get(runId);
    if (!p?.event) return;
    const e = p.event;
    p.event = undefined;
    p.last = Date.now();
    void show(runId, (t) => progressView(t.project, t.run, e), false).catch((err) => deps.log.warn({ err, runId }, 'progress edit failed'));
  };

  const onProgress = (e: ProgressEvent) => {
    void target(e.runId).then((t) => {
      if (!t) return;
      const p = pending.get(e.runId) ?? { last: 0 };
      pending.set(e.runId, p);
      p.event = e;
      const wait = p.last + t.pub.minEditIntervalMs - Date.now();
      if (wait <= 0) flush(e.runId);
      else p.timer ??= setTimeout(() => {
        p.timer = undefined;
        flush(e.runId);
      }, wait);
    }).catch(() => undefined);
  };

  const finish = (runId: string) => {
    const p = pending.get(runId);
    clearTimeout(p?.timer);
    pending.delete(runId);
  };

  const onDone = ({ runId }: { runId: string }) => {
    finish(runId);
    void (async () => {
      const t = await target(runId);
      if (!t) return;
      if (t.run.messageRefs.progressMessageId) await t.pub.edit(t.channelId, t.run.messageRefs.progressMessageId, { text: `Rendered “${t.project.title}”. The video follows.` });
      const limit = await t.pub.uploadLimit(t.channelId);
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
    finish(runId);
    void show(runId, (t) => failureView(t.project, t.run)).catch((err) => deps.log.warn({ err, runId }, 'failure post failed'));
  };

  const onCanceled = ({ runId }: { runId: string }) => {
    finish(runId);
    void show(runId, (t) => ({ text: `Render of “${t.project.title}” canceled. The plan is kept; approve again when ready.` })).catch(() => undefined);
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
    for (const id of pending.keys()) finish(id);
  };
}
