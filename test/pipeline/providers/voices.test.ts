import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseWav } from '../../../pipeline/media/wavParse';
import { findBinaries } from '../../../pipeline/render/binaries';
import { makeEdgeSpeech } from '../../../pipeline/providers/speech/edge';
import { alignFromAudio } from '../../../pipeline/providers/speech/energyAlign';
import { speakOffline } from '../../../pipeline/providers/speech/espeak';
import { findFestival, makeFestivalSpeech } from '../../../pipeline/providers/speech/festival';
import { flitePid, speakFlite } from '../../../pipeline/providers/speech/flite';
import { makeSherpaSpeech, sherpaConfig } from '../../../pipeline/providers/speech/sherpa';
import { edgeTarget, LocalEdgeSocket } from '../../support/edgeSocket';
import { startFakeEdge, type FakeEdge } from '../../support/fakes/edge';
import { writeTinyVoiceModel } from '../../support/tinyVoiceModel';

vi.mock('isomorphic-ws', async () => ({ default: (await import('../../support/edgeSocket')).LocalEdgeSocket }));

const { ffmpeg } = findBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
const TEXT = 'Octopuses have three hearts.';
const req = (over: Partial<{ text: string; voice: string; language: string; wpm: number }> = {}) => ({ text: TEXT, voice: 'alloy', language: 'en', wpm: 155, ...over });
const seconds = (wav: Buffer) => {
  const pcm = parseWav(wav);
  return pcm.samples.length / pcm.channels / pcm.sampleRate;
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-voices-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Edge voices through edge-tts-universal, against a fake of Edge\'s websocket', () => {
  let edge: FakeEdge;
  beforeAll(async () => {
    edge = await startFakeEdge();
    edgeTarget.url = edge.url;
  });
  afterAll(() => edge.close());

  it('speaks with the mapped neural voice and tempo, decodes the MP3, and uses the word boundaries as timings', async () => {
    edge.mode = 'speak';
    const clip = await makeEdgeSpeech({ ffmpeg, timeoutMs: 10_000 }).speak(req({ wpm: 186 }));
    expect(LocalEdgeSocket.dialled.at(-1)).toMatch(/^wss:\/\/speech\.platform\.bing\.com\/.*TrustedClientToken=.*Sec-MS-GEC=/);
    expect(edge.configs.at(-1)).toContain('audio-24khz-48kbitrate-mono-mp3');
    expect(edge.ssml.at(-1)).toContain("name='Microsoft Server Speech Text to Speech Voice (en-US, AvaNeural)'");
    expect(edge.ssml.at(-1)).toContain("rate='+20%'");
    const pcm = parseWav(clip.wav);
    expect(pcm.sampleRate).toBe(24_000);
    // Four words at 0.3 s each plus 0.2 s: MP3 frames may add a few ms.
    expect(clip.durationSec).toBeGreaterThan(1.35);
    expect(clip.durationSec).toBeLessThan(1.5);
    expect(clip.words?.map((w) => w.word)).toEqual(['Octopuses', 'have', 'three', 'hearts.']);
    expect(clip.words?.map((w) => w.start)).toEqual([0.1, 0.4, 0.7, 1]);
  });

  it('picks a voice by language and passes an Edge voice name through', async () => {
    edge.mode = 'speak';
    const speech = makeEdgeSpeech({ ffmpeg, timeoutMs: 10_000 });
    await speech.speak(req({ text: 'Hola a todos.', voice: 'onyx', language: 'es' }));
    expect(edge.ssml.at(-1)).toContain('(es-ES, AlvaroNeural)');
    await speech.speak(req({ voice: 'en-GB-SoniaNeural' }));
    expect(edge.ssml.at(-1)).toContain('(en-GB, SoniaNeural)');
  });

  it('fails with a reason when Edge refuses, says nothing, stalls mid-turn, or sends what Edge never sends', async () => {
    const speech = makeEdgeSpeech({ ffmpeg, timeoutMs: 3000, firstAnswerMs: 1000 });
    edge.mode = 'refuse';
    await expect(speech.speak(req())).rejects.toThrow(/did not answer within 1 s \(voice en-US-AvaNeural\): unreachable or refused/);
    edge.mode = 'silent';
    await expect(speech.speak(req())).rejects.toThrow(/did not answer within 1 s/);
    edge.mode = 'stall';
    await expect(speech.speak(req())).rejects.toThrow(/did not finish speaking within 3 s/);
    edge.mode = 'garbage';
    await expect(speech.speak(req())).rejects.toThrow(/Unknown path received: surprise/);
  });
});

describe('sherpa-onnx with a model directory', () => {
  it('loads a real (tiny) VITS model and speaks: tokens × samples per token, no word timings', async () => {
    const model = writeTinyVoiceModel(join(dir, 'tiny'));
    const speech = makeSherpaSpeech({ modelDir: model.dir, threads: 1 });
    const clip = await speech.speak(req());
    // octopuses·have·three·hearts + a space after each word, then "." and a space: 30 tokens.
    expect(clip.durationSec).toBeCloseTo((30 * model.samplesPerToken) / model.sampleRate, 5);
    expect(parseWav(clip.wav).sampleRate).toBe(model.sampleRate);
    expect(clip.words).toBeUndefined();
    // The clip is a tone from start to end: alignment spreads the words over it in order.
    const aligned = alignFromAudio(clip.wav, TEXT).words;
    expect(aligned.map((w) => w.word)).toEqual(['Octopuses', 'have', 'three', 'hearts.']);
    expect(aligned[0]!.start).toBeLessThan(0.05);
    for (let i = 1; i < aligned.length; i++) expect(aligned[i]!.start).toBeGreaterThan(aligned[i - 1]!.start);
    // Faster tempo → sherpa's speed above 1 (the tiny model ignores it, the call must accept it).
    await expect(speech.speak(req({ wpm: 240 }))).resolves.toBeTruthy();
  });

  it('names what a model directory lacks instead of letting sherpa print it to stderr', () => {
    expect(() => sherpaConfig(join(dir, 'nowhere'), 1)).toThrow(/does not exist/);
    const empty = join(dir, 'empty');
    writeTinyVoiceModel(empty);
    rmSync(join(empty, 'lexicon.txt'));
    expect(() => sherpaConfig(empty, 1)).toThrow(/neither espeak-ng-data\/ nor lexicon.txt/);
    const noSpace = join(dir, 'nospace');
    writeTinyVoiceModel(noSpace);
    writeFileSync(join(noSpace, 'tokens.txt'), 'a 1\nb 2\n');
    expect(() => sherpaConfig(noSpace, 1)).toThrow(/no space token/);
    rmSync(join(noSpace, 'tokens.txt'));
    expect(() => sherpaConfig(noSpace, 1)).toThrow(/no tokens.txt/);
  });

  it('reports a corrupt model file as an error, without taking the process down', async () => {
    const broken = join(dir, 'broken');
    writeTinyVoiceModel(broken);
    writeFileSync(join(broken, 'model.onnx'), Buffer.from('not an onnx model at all'));
    await expect(makeSherpaSpeech({ modelDir: broken, threads: 1 }).speak(req())).rejects.toThrow(/could not load the model/);
  });
});

const festival = findFestival();
describe.skipIf(!festival)('Festival with Debian\'s HTS voice', () => {
  it('speaks with the utterance\'s own word times, loud enough, at the asked tempo', async () => {
    const speech = makeFestivalSpeech({ festival: festival! });
    const text = 'Octopuses have 3 hearts, and "two" of them stop.';
    const slow = await speech.speak(req({ text, wpm: 130 }));
    const fast = await speech.speak(req({ text, wpm: 200 }));
    expect(slow.durationSec).toBeGreaterThan(fast.durationSec * 1.3);
    const words = slow.words!;
    expect(words.map((w) => w.word)).toEqual(text.split(' '));
    expect(words[0]!.start).toBeGreaterThan(0.05);
    for (let i = 1; i < words.length; i++) expect(words[i]!.start).toBeGreaterThan(words[i - 1]!.start);
    const pcm = parseWav(slow.wav);
    expect(pcm.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeGreaterThan(0.8 * 32767);
    // Quotes and backslashes reach Festival as text, not as Scheme.
    await expect(speech.speak(req({ text: 'A "quoted" word \\ and (parens) )) here.' }))).resolves.toMatchObject({ costMicros: 0 });
  });
});

describe('Flite, the offline English voice, in a process of its own', () => {
  it('speaks each preset with a Flite voice at the asked tempo, and comes back after its process dies', async () => {
    const slow = await speakFlite(TEXT, { voice: 'alloy', wpm: 120 });
    const fast = await speakFlite(TEXT, { voice: 'alloy', wpm: 200 });
    expect(parseWav(slow.wav).sampleRate).toBe(16_000);
    expect(slow.durationSec).toBeGreaterThan(fast.durationSec * 1.3);
    const male = await speakFlite(TEXT, { voice: 'onyx', wpm: 160 });
    expect(male.wav.equals(fast.wav)).toBe(false);
    // Text is an argument, never a shell line: quotes, dashes and semicolons are just spoken.
    await expect(speakFlite('-voice rms "; rm -rf / ; echo \\ done', { voice: 'alloy', wpm: 160 })).resolves.toMatchObject({ durationSec: expect.any(Number) });
    const pid = flitePid()!;
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const again = await speakFlite(TEXT, { voice: 'alloy', wpm: 200 });
    expect(flitePid()).not.toBe(pid);
    expect(again.wav.equals(fast.wav)).toBe(true);
    // Killed while it speaks: that scene fails with the reason (a half-written answer is not
    // read as one), and the next is spoken by a new process.
    const long = Array.from({ length: 12 }, () => TEXT).join(' ');
    const during = speakFlite(long, { voice: 'alloy', wpm: 160 });
    setTimeout(() => process.kill(flitePid()!, 'SIGKILL'), 10);
    await expect(during).rejects.toThrow(/the Flite process stopped \(SIGKILL\)/);
    await expect(speakFlite(TEXT, { voice: 'alloy', wpm: 200 })).resolves.toMatchObject({ durationSec: fast.durationSec });
  });
});

describe('offline alignment from text and audio', () => {
  it('comes within a fraction of a second of eSpeak\'s own word times', async () => {
    const text = 'Octopuses have three hearts, and two of them stop when they swim. Their blood is blue, because it carries copper instead of iron.';
    const spoken = await speakOffline(text, { voice: 'alloy', language: 'en', wpm: 160 });
    const aligned = alignFromAudio(spoken.wav, text);
    expect(aligned.durationSec).toBeCloseTo(seconds(spoken.wav), 3);
    expect(aligned.words.map((w) => w.word)).toEqual(spoken.words.map((w) => w.word));
    const errors = aligned.words.map((w, i) => Math.abs(w.start - spoken.words[i]!.start));
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(0.2);
    // The sentence break lands on the pause: "Their" starts where eSpeak says, give or take.
    const their = aligned.words.findIndex((w) => w.word === 'Their');
    expect(Math.abs(aligned.words[their]!.start - spoken.words[their]!.start)).toBeLessThan(0.25);
  });
});
