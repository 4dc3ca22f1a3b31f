import type { RenderStep } from '../context';
import { asrAlign } from './asrAlign';
import { captionsBuild } from './captionsBuild';
import { ffmpegRender } from './ffmpegRender';
import { finalizeArtifacts } from './finalizeArtifacts';
import { imagesGenerate } from './imagesGenerate';
import { musicBuild } from './musicBuild';
import { ttsGenerate } from './ttsGenerate';

/** The seven steps in the seed's order; weights add up to 100. */
export const STEPS: RenderStep[] = [ttsGenerate, asrAlign, imagesGenerate, captionsBuild, musicBuild, ffmpegRender, finalizeArtifacts];
