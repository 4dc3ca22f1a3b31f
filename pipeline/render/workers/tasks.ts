import { parentPort } from 'node:worker_threads';
import { drawArt, type ArtRequest } from '../media/art';
import { speakOffline } from '../media/espeak';
import { synthesizeMusic, type MusicMood } from '../media/music';
import { composeStoryboard, composeThumbnail, type StoryboardRequest, type ThumbnailRequest } from '../media/sheets';

/** The CPU-heavy jobs that run on worker threads, by name. */
export const TASKS = {
  speak: (a: { text: string; voice: string; language: string; wpm: number }) => speakOffline(a.text, a),
  art: (a: ArtRequest) => drawArt(a),
  music: async (a: { mood: MusicMood; durationSec: number; seed: number }) => synthesizeMusic(a.mood, a.durationSec, a.seed),
  storyboard: async (a: StoryboardRequest) => composeStoryboard(a),
  thumbnail: async (a: ThumbnailRequest) => composeThumbnail(a),
  /** Loads the engines a render needs (compiles eSpeak's WebAssembly, fonts for drawing). */
  warm: async (a: { speech: boolean }) => {
    if (a.speech) await speakOffline('Ready.', { voice: 'alloy', language: 'en', wpm: 160 });
    await drawArt({ width: 90, height: 160, palette: ['#000000', '#333333', '#ffffff'], title: 'ok', subtitle: '', seed: 'warm', sceneNumber: 1 });
    return true;
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
