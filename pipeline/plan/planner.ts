import type { NichePack, ScriptTemplateId, VisualStyle } from './packs';
import type { Beat } from './templates';

/** Everything about a project that shapes its plan. */
export interface PlanContext {
  topic: string;
  pack: NichePack;
  template: ScriptTemplateId;
  targetLengthSec: number;
  tempo: string;
  language: string;
  visualStyle: VisualStyle | null;
  /** Bumped on every regeneration so the same request can give a fresh draft, deterministically. */
  variant: number;
  /** The hook style the chat's best-performing videos use (question, number, you, claim), when its numbers show one. */
  preferredHookStyle?: string;
  /** The project, once it exists: named in failure logs, never part of a cache key. */
  projectId?: string;
}

/** A scene as the planner writes it (durations are fitted afterwards). */
export interface SceneDraft {
  narrationText: string;
  onScreenText: string;
  visualPrompt: string;
  negativePrompt: string;
  effectPreset: string;
  durationTargetSec: number;
  /** Stock footage results the scene passes over (set by Swap clip, kept with the scene; planners leave it out). */
  footageSkip?: number;
}

/** A planner result with what it cost (integer micro-dollars) and whether it came from cache. */
export interface Priced<T> {
  value: T;
  costMicros: number;
  cached?: boolean;
  /** Set when the AI planner failed and the offline one wrote this: the warning the plan shows. */
  fellBack?: string;
}

export interface ScenesRequest {
  hook: string;
  outline: string;
  beats: Beat[];
  /** Target seconds per scene (its word budget follows from the tempo). */
  seconds: number[];
  /** Scenes to keep exactly as they are, by index (null where free). */
  locked: (SceneDraft | null)[];
}

export interface SceneRequest extends Omit<ScenesRequest, 'locked'> {
  scenes: SceneDraft[];
  idx: number;
}

export interface ShortenRequest {
  scene: SceneDraft;
  idx: number;
  beat: Beat;
  maxWords: number;
}

/**
 * Writes plans. Two implementations: offline (deterministic, from the packs) and an
 * OpenAI-compatible chat model. `id` names the implementation and model for cache keys.
 */
export interface Planner {
  readonly id: string;
  hooks(ctx: PlanContext): Promise<Priced<string[]>>;
  outline(ctx: PlanContext, hook: string, beats: Beat[]): Promise<Priced<string>>;
  scenes(ctx: PlanContext, req: ScenesRequest): Promise<Priced<SceneDraft[]>>;
  scene(ctx: PlanContext, req: SceneRequest): Promise<Priced<SceneDraft>>;
  shorten(ctx: PlanContext, req: ShortenRequest): Promise<Priced<SceneDraft>>;
}
