import type { ProgressEvent } from '../pipeline/render/execute';

const STEP_LABEL: Record<string, string> = {
  tts_generate: 'Voice', asr_align: 'Word timings', images_generate: 'Pictures', captions_build: 'Captions',
  music_build: 'Music', ffmpeg_render: 'Rendering', finalize_artifacts: 'Checking',
};

const fmtEta = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.ceil(s)}s`);

/** One line: bar, percent, step k/n and its name, ETA. Every platform's progress view uses it. */
export function progressLine(e: ProgressEvent, width = 24): string {
  const filled = Math.round((e.percent / 100) * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${bar} ${String(Math.floor(e.percent)).padStart(3)}%  ${e.stepIndex + 1}/${e.stepCount} ${STEP_LABEL[e.step] ?? e.step}  ETA ${fmtEta(e.etaSec)}`;
}
