import { z } from 'zod';

/**
 * Zod schemas for the JSON-in-text columns of the data model. Rows are parsed on read, so code
 * inside the repositories' callers only ever sees typed values; writes go through `toJson`.
 */

export const hookOptionsSchema = z.array(z.string());

export const estimatesSchema = z.object({
  wpm: z.number().positive().optional(),
  estimatedLengthSec: z.number().nonnegative().optional(),
  wordCount: z.number().int().nonnegative().optional(),
  perSceneSec: z.array(z.number()).optional(),
});
export type Estimates = z.infer<typeof estimatesSchema>;

export const validationSchema = z.object({
  errors: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
  suggestions: z.array(z.string()).default([]),
});
export type Validation = z.infer<typeof validationSchema>;

export const PIPELINE_STEPS = [
  'tts_generate',
  'asr_align',
  'images_generate',
  'captions_build',
  'music_build',
  'ffmpeg_render',
  'finalize_artifacts',
] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];
export const pipelineStepSchema = z.enum(PIPELINE_STEPS);

export const runLogEntrySchema = z.object({
  at: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  step: z.string().optional(),
  message: z.string(),
});
export type RunLogEntry = z.infer<typeof runLogEntrySchema>;
export const runLogsSchema = z.array(runLogEntrySchema);

/** Paths of a run's outputs (relative to DATA_DIR or absolute); unknown keys kept as strings. */
export const artifactsSchema = z
  .object({
    mp4Path: z.string().optional(),
    thumbPath: z.string().optional(),
    storyboardPath: z.string().optional(),
    srtPath: z.string().optional(),
    assPath: z.string().optional(),
    exportJsonPath: z.string().optional(),
    voicePath: z.string().optional(),
    musicPath: z.string().optional(),
  })
  .catchall(z.string());
export type Artifacts = z.infer<typeof artifactsSchema>;

export const stepStateSchema = z.object({
  inputHash: z.string(),
  finishedAt: z.string(),
  outputs: z.record(z.string(), z.unknown()).default({}),
});
export const resumeStateSchema = z.object({
  lastCompletedStep: pipelineStepSchema.optional(),
  steps: z.partialRecord(pipelineStepSchema, stepStateSchema).default({}),
});
export type ResumeState = z.infer<typeof resumeStateSchema>;

/** Where the chat layer's messages for a run live, so any worker process can edit them. */
export const messageRefsSchema = z
  .object({
    channelId: z.string().optional(),
    progressMessageId: z.string().optional(),
    planMessageId: z.string().optional(),
  })
  .catchall(z.string());
export type MessageRefs = z.infer<typeof messageRefsSchema>;

export const idListSchema = z.array(z.string());

/** Parses a JSON text column with a schema; a corrupt value is a bug, reported with its column. */
export function parseJson<S extends z.ZodType>(schema: S, text: string, column: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`Column ${column} holds invalid JSON`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`Column ${column} does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}

/** Serialises a typed value after checking it against the column's schema. */
export function toJson<S extends z.ZodType>(schema: S, value: z.input<S>): string {
  return JSON.stringify(schema.parse(value));
}
