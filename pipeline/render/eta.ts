import type { PipelineStep } from '../../db/json';

/** Which engines a render uses, as far as its timing goes. */
export interface EngineSpeeds {
  voice: string;
  /** A transcription server gives the timings (one call per scene). */
  transcribes: boolean;
  images: string;
}

/** Seconds of work per second of speech, by voice engine (`npm run bench -- voices`, 2 cores). */
const VOICE_SEC_PER_SEC: Record<string, number> = { offline: 0.012, espeak: 0.003, festival: 0.08, sherpa: 0.3, edge: 0.15, openai: 0.25 };

/**
 * Expected seconds per step for a video of `lengthSec` with `scenes` scenes on a 2-core machine
 * (from `npm run bench`); network engines are slower to start.
 * `chatCopy`: the render also makes a copy for the chat's upload limit (see `chatCopyPlan`).
 */
export function expectedStepSeconds(step: PipelineStep, lengthSec: number, scenes: number, engines: EngineSpeeds, chatCopy = false): number {
  switch (step) {
    case 'tts_generate': return (VOICE_SEC_PER_SEC[engines.voice] ?? 0.25) * lengthSec + (['offline', 'espeak'].includes(engines.voice) ? 0.04 * scenes : 0.5 * scenes);
    case 'asr_align': return engines.transcribes ? 1 * scenes : 0.1;
    case 'images_generate': return engines.images === 'offline' ? 0.03 * scenes : 6 * scenes;
    case 'captions_build': return 0.1;
    case 'music_build': return 0.001 * lengthSec + 0.1;
    // A copy for a chat's upload limit, made in the same passes, adds about half (90 s: 16 → 25 s).
    case 'ffmpeg_render': return (0.15 * lengthSec + 3.4) * (chatCopy ? 1.55 : 1);
    case 'finalize_artifacts': return 0.0045 * lengthSec + 0.3;
  }
}

/**
 * Remaining time: the current step extrapolated from its own progress, plus the expected time
 * of the steps after it, scaled by how fast this machine has been so far.
 */
export class EtaEstimator {
  private speed = 1;
  private doneExpected = 0;
  private doneActual = 0;

  constructor(private readonly expected: (step: PipelineStep) => number) {}

  /** Records a finished step's wall time, refining the machine's speed factor. */
  finished(step: PipelineStep, seconds: number): void {
    this.doneExpected += this.expected(step);
    this.doneActual += seconds;
    if (this.doneExpected > 0.5) this.speed = Math.min(10, Math.max(0.1, this.doneActual / this.doneExpected));
  }

  /** Seconds left, given the current step, its fraction done and seconds spent in it. */
  remaining(current: PipelineStep, fraction: number, elapsedInStep: number, later: PipelineStep[]): number {
    const expectedNow = this.expected(current) * this.speed;
    const left = fraction > 0.05 ? (elapsedInStep / fraction) * (1 - fraction) : Math.max(0, expectedNow - elapsedInStep);
    return Math.max(0, left + later.reduce((s, st) => s + this.expected(st) * this.speed, 0));
  }
}
