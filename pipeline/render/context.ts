import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Db, Project } from '../../db/client';
import type { PipelineStep } from '../../db/json';
import type { PlanVersionView } from '../../db/repos/planVersions';
import type { RunView } from '../../db/repos/runs';
import type { NichePack } from '../plan/packs';
import type { ImageProvider } from '../providers/images/types';
import type { SpeechProvider, TimingProvider } from '../providers/speech/types';
import type { Binaries } from './binaries';
import type { FootageServices } from './footage';
import type { WorkerPool } from './workers/pool';

/** Output size and encoder settings of a render. */
export interface RenderFormat {
  width: number;
  height: number;
  fps: number;
  preset: string;
  crf: number;
}

/** Everything the steps share for the life of the process. */
export interface RenderServices {
  config: Config;
  db: Db;
  log: Logger;
  bins: Binaries;
  pool: WorkerPool;
  /** The configured voice engine (VOICE_ENGINE). */
  speech: SpeechProvider;
  /** eSpeak: what the voice falls back to, for the whole track, when the configured engine fails. */
  offlineSpeech: SpeechProvider;
  /** Whisper-compatible transcription for word timings (TRANSCRIBE_ENGINE), or null when not set. */
  timings: TimingProvider | null;
  /** Offline alignment from text and audio: timings when neither the voice nor a transcriber gives them. */
  aligner: TimingProvider;
  /** The configured picture engine (IMAGE_ENGINE). */
  images: ImageProvider;
  /** Offline art: what a scene's picture falls back to. */
  offlineImages: ImageProvider;
  /** Stock footage libraries (PEXELS_API_KEY, PIXABAY_API_KEY) and the clip cache; null when no key is set. */
  footage: Omit<FootageServices, 'bins' | 'format'> | null;
  format: RenderFormat;
  /** Music files folder (MUSIC_DIR), or null for generated music. */
  musicDir: string | null;
  /** Settles when the worker threads have started and loaded their engines (begun at creation). */
  warm?: Promise<void>;
  /** Receives ffmpeg's peak memory after each render (the bench reports it). */
  onFfmpegPeakRss?: (bytes: number) => void;
}

/** The run being rendered, with what it renders. */
export interface RenderJob {
  run: RunView;
  project: Project;
  plan: PlanVersionView;
  pack: NichePack;
  dir: string;
}

/** What each finished step recorded, by step (read by later steps). */
export type StepOutputs = Partial<Record<PipelineStep, Record<string, unknown>>>;

export interface StepHelpers {
  services: RenderServices;
  signal: AbortSignal;
  /** Fraction (0–1) of this step done. */
  progress(fraction: number): void;
  log(message: string, level?: 'info' | 'warn'): void;
  addCost(micros: number): void;
  outputs: StepOutputs;
}

/** A render step: `(job, helpers) → outputs`. `inputs` decides whether a stored result still holds. */
export interface RenderStep {
  name: PipelineStep;
  weight: number;
  timeoutMs: number;
  /** Everything that affects this step's result, hashed to decide whether it can be skipped. */
  inputs(job: RenderJob, outputs: StepOutputs, services: RenderServices): unknown;
  /** Files the outputs point at (checked before skipping). */
  files(outputs: Record<string, unknown>): string[];
  run(job: RenderJob, h: StepHelpers): Promise<Record<string, unknown>>;
}
