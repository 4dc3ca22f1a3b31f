import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Project } from '../db/client';
import type { RunView } from '../db/repos/runs';
import type { ProgressEvent } from '../pipeline/render/execute';
import { fallbackText } from '../pipeline/render/engineCalls';
import { progressLine } from './progressLine';
import { buttonId } from './buttonIds';
import { clip, type View } from './view';

/** The live progress message of a render, with a Cancel button. */
export function progressView(project: Project, run: RunView, e: ProgressEvent | null): View {
  const line = e ? progressLine(e, 20) : '░░░░░░░░░░░░░░░░░░░░   0%  queued';
  return {
    title: `Rendering — ${clip(project.title, 200)}`,
    text: line,
    buttons: [[{ id: buttonId('cancel', project.id, run.planVersionId), label: '⏹ Cancel', style: 'danger' }]],
  };
}

const exportSchema = z.object({ caption: z.string(), hashtags: z.array(z.string()), durationSec: z.number().optional() });

const fallbackList = z.array(z.object({ kind: z.enum(['voice', 'timings', 'pictures', 'footage']), engine: z.string(), to: z.string(), reason: z.string(), scenes: z.array(z.number()).optional() }));

/** What fell back to an offline engine during a run, one sentence each (from the steps' outputs). */
export function fallbackNotes(run: RunView): string[] {
  return Object.values(run.resumeState.steps).flatMap((s) => {
    const parsed = fallbackList.safeParse(s?.outputs.fallbacks ?? []);
    return parsed.success ? parsed.data.map(fallbackText) : [];
  });
}

/** The finished video: the mp4 (fitted to the upload limit by the adapter), cover and caption. */
export function resultView(project: Project, run: RunView, videoPath: string, width: number, height: number): View {
  const exported = run.artifacts.exportJsonPath && existsSync(run.artifacts.exportJsonPath)
    ? exportSchema.parse(JSON.parse(readFileSync(run.artifacts.exportJsonPath, 'utf8')))
    : { caption: project.title, hashtags: [], durationSec: undefined };
  const cost = run.costMicros + project.planCostMicros;
  const notes = fallbackNotes(run);
  return {
    title: `Done — ${clip(project.title, 200)}`,
    text: `Ready to post. Caption:\n\n${clip(exported.caption, 900)}${cost ? `\n\nCost: $${(cost / 1e6).toFixed(3)}` : ''}${notes.length ? `\n\n⚠️ ${clip(notes.join(' '), 600)} Re-render to try again.` : ''}`,
    files: [{
      path: videoPath, name: 'video.mp4', kind: 'video', width, height,
      durationSec: exported.durationSec, thumbPath: run.artifacts.thumbPath,
    }],
    buttons: [[
      { id: buttonId('schedule', project.id), label: '🗓 Schedule', style: 'primary' },
      { id: buttonId('rerender', project.id, run.planVersionId), label: '🔁 Re-render', style: 'secondary' },
    ]],
  };
}

/** A failed render: the readable reason and what to do. */
export function failureView(project: Project, run: RunView): View {
  const qa = run.status === 'qa_failed';
  return {
    title: `${qa ? 'Failed checks' : 'Failed'} — ${clip(project.title, 200)}`,
    text: `${clip(run.failureReason ?? 'The render failed.', 1500)}\n\nRetry continues from the step that failed; or edit the plan and approve again.`,
    buttons: [[
      { id: buttonId('retry', project.id, run.planVersionId), label: '↻ Retry', style: 'primary' },
      { id: buttonId('plan', project.id, run.planVersionId), label: '📝 Open plan', style: 'secondary' },
    ]],
  };
}
