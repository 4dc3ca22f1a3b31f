import { parentPort, workerData } from 'node:worker_threads';
import { drawArt, type ArtRequest } from '../../providers/images/art';
import { speakOffline } from '../../providers/speech/espeak';
import { synthesizeMusic, type MusicMood } from '../../providers/music/procedural';
import { composeStoryboard, composeThumbnail, type StoryboardRequest, type ThumbnailRequest } from '../media/sheets';

/** Jobs queued in the pool for a free worker (a counter the pool shares with its workers). */
const jobsWaiting = () => (workerData?.waiting instanceof Int32Array ? Atomics.load(workerData.waiting, 0) > 0 : false);

const WARM_UP_TEXT = 'Ready when you are: this sentence only gets the voice engine up to speed before the first real scene.';

/** The CPU-heavy jobs that run on worker threads, by name. */
export const TASKS = {
  speak: (a: { text: string; voice: string; language: string; wpm: number }) => speakOffline(a.text, a),
  art: (a: ArtRequest) => drawArt(a),
  music: async (a: { mood: MusicMood; durationSec: number; seed: number }) => synthesizeMusic(a.mood, a.durationSec, a.seed),
  storyboard: async (a: StoryboardRequest) => composeStoryboard(a),
  thumbnail: async (a: ThumbnailRequest) => composeThumbnail(a),
  /**
   * Loads the engines a render needs: fonts for drawing, and eSpeak's WebAssembly — spoken until
   * it runs at full speed. V8 first runs WebAssembly from a quick baseline compile and moves hot
   * code to its optimising compiler only after it has run for a while: a scene took ~200 ms on the
   * first call and ~25 ms from the fifth. A worker serves many renders, so it warms up once —
   * and stops as soon as a real job is waiting (that work warms it up as well).
   */
  warm: async (a: { speech: boolean }) => {
    let speechCalls = 0;
    if (a.speech) {
      // Three seconds of warming once the engine has loaded (on a busy machine the load alone
      // can take that long, and a warm-up that ends there leaves the engine cold).
      let until = Infinity;
      for (; speechCalls < 10 && Date.now() < until && !jobsWaiting(); speechCalls++) {
        const started = performance.now();
        const { durationSec } = await speakOffline(WARM_UP_TEXT, { voice: 'alloy', language: 'en', wpm: 160 });
        if ((performance.now() - started) / durationSec < 6) break; // ms per second of speech
        if (speechCalls === 0) until = Date.now() + 3000;
      }
    }
    await drawArt({ width: 90, height: 160, palette: ['#000000', '#333333', '#ffffff'], title: 'ok', subtitle: '', seed: 'warm', sceneNumber: 1 });
    return { speechCalls };
  },
};
export type TaskName = keyof typeof TASKS;

interface TaskMessage {
  id: number;
  name: TaskName;
  args: unknown;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (msg: TaskMessage) => {
    const run = TASKS[msg.name] as (a: unknown) => Promise<unknown>;
    run(msg.args).then(
      (result) => port.postMessage({ id: msg.id, ok: true, result }),
      (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
