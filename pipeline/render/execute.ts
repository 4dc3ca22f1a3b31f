import { existsSync, mkdirSync } from 'node:fs';
import type { PipelineStep, ResumeState } from '../../db/json';
import { getPlanVersion } from '../../db/repos/planVersions';
import { getProject } from '../../db/repos/projects';
import { appendRunLog, getRun, saveRunState, setRunProgress } from '../../db/repos/runs';
import { getPack } from '../plan/packs';
import type { RenderJob, RenderServices, StepOutputs } from './context';
import { EtaEstimator, expectedStepSeconds } from './eta';
import { chatCopyPlan } from './fitSize';
import { cleanPartials, hashOf, runDir } from './files';
import { STEPS } from './steps';

export interface ProgressEvent {
  runId: string;
  projectId: string;
  step: PipelineStep;
  stepIndex: number;
  stepCount: number;
  /** Weighted overall progress, 0–100. */
  percent: number;
  etaSec: number;
}

export interface ExecuteOptions {
  signal: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Called after each step: the bench reads per-step wall time from here. */
  onStepDone?: (step: PipelineStep, seconds: number, skipped: boolean) => void;
}

/**
 * Runs (or resumes) every step of one run. A step whose recorded input hash still matches and
 * whose files exist is skipped; each finished step is saved at once, so a crash or restart
 * continues from the last finished step. Each step gets its own timeout.
 */
export async function executeRun(services: RenderServices, runId: string, opts: ExecuteOptions): Promise<StepOutputs> {
  const { db } = services;
  const run = await getRun(db, runId);
  const project = await getProject(db, run.projectId);
  const job: RenderJob = { run, project, plan: await getPlanVersion(db, run.planVersionId), pack: getPack(project.nichePackId), dir: runDir(services.config.dataDir, run.id) };
  mkdirSync(job.dir, { recursive: true });
  cleanPartials(job.dir);

  const state: ResumeState = { ...run.resumeState, steps: { ...run.resumeState.steps } };
  const outputs: StepOutputs = {};
  let artifacts = { ...run.artifacts };
  const engines = { voice: services.speech.engine, transcribes: services.timings !== null && ['openai', 'sherpa'].includes(services.speech.engine), images: services.images.engine };
  const chatCopy = chatCopyPlan(Number(run.messageRefs.uploadLimit) || undefined, job.project.targetLengthSec, services.format.width, services.format.height) !== null;
  const eta = new EtaEstimator((s) => expectedStepSeconds(s, job.project.targetLengthSec, job.plan.scenes.length, engines, chatCopy));
  const weightBefore = (i: number) => STEPS.slice(0, i).reduce((n, s) => n + s.weight, 0);
  let lastWrite = 0;
  // A resumed run redoes part of the step it stopped in: its bar holds where it was instead of
  // moving back, and moves on once the work passes that point again.
  const floor = run.progress;

  for (const [index, step] of STEPS.entries()) {
    const inputHash = hashOf(step.inputs(job, outputs, services));
    const stored = state.steps[step.name];
    if (stored && stored.inputHash === inputHash && step.files(stored.outputs).every((f) => existsSync(f))) {
      outputs[step.name] = stored.outputs;
      opts.onStepDone?.(step.name, 0, true);
      continue;
    }
    const started = Date.now();
    const report = (fraction: number) => {
      const percent = Math.max(floor, weightBefore(index) + step.weight * Math.max(0, Math.min(1, fraction)));
      const etaSec = eta.remaining(step.name, fraction, (Date.now() - started) / 1000, STEPS.slice(index + 1).map((s) => s.name));
      opts.onProgress?.({ runId, projectId: project.id, step: step.name, stepIndex: index, stepCount: STEPS.length, percent, etaSec });
      if (Date.now() - lastWrite > 1000 || fraction === 0) {
        lastWrite = Date.now();
        void setRunProgress(db, runId, percent, step.name).catch(() => undefined);
      }
    };
    report(0);
    let cost = 0;
    const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(step.timeoutMs)]);
    let result: Record<string, unknown>;
    try {
      result = await step.run(job, {
        services,
        signal,
        progress: report,
        log: (message, level = 'info') => void appendRunLog(db, runId, { level, step: step.name, message }).catch(() => undefined),
        addCost: (m) => (cost += m),
        outputs,
      });
    } catch (err) {
      if (!opts.signal.aborted && signal.aborted) throw new Error(`Step ${step.name} timed out after ${Math.round(step.timeoutMs / 1000)} s.`);
      throw err;
    }
    const seconds = (Date.now() - started) / 1000;
    eta.finished(step.name, seconds);
    outputs[step.name] = result;
    state.steps[step.name] = { inputHash, finishedAt: new Date().toISOString(), outputs: result };
    state.lastCompletedStep = step.name;
    artifacts = { ...artifacts, ...stringsOf(result) };
    await saveRunState(db, runId, { resumeState: state, artifacts, addCostMicros: cost });
    await appendRunLog(db, runId, { level: 'info', step: step.name, message: `${step.name} done in ${seconds.toFixed(1)} s.` });
    opts.onStepDone?.(step.name, seconds, false);
    report(1);
  }
  return outputs;
}

function stringsOf(result: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(result).filter(([k, v]) => typeof v === 'string' && k.endsWith('Path'))) as Record<string, string>;
}
