import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav, normalizePeak, wavSeconds } from '../../media/wav';
import { parseWav } from '../../media/wavParse';
import { timingsFromWords } from '../../media/words';
import type { SpeechProvider } from './types';

/** Debian's HTS voice (festvox-us-slt-hts): clear, and about this many words a minute at stretch 1. */
const VOICE = 'voice_cmu_us_slt_arctic_hts';
const BASE_WPM = 175;

/** The festival binary: FESTIVAL_PATH, else `festival` on PATH when it runs; null when absent. */
export function findFestival(explicit?: string): string | null {
  const bin = explicit ?? 'festival';
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return probe.status === 0 ? bin : null;
}

/** A Scheme string literal: backslashes and quotes escaped, control characters dropped. */
const schemeString = (text: string) => `"${text.replace(/[\p{Cc}]/gu, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * Festival with Debian's HTS voice, one process per scene. The words' times come from the
 * synthesised utterance itself (where each word's first segment starts), printed
 * by a small Scheme script, so captions need no alignment. Festival speaks quietly: the peak
 * is raised to match the other engines.
 */
export function makeFestivalSpeech(opts: { festival: string }): SpeechProvider {
  return {
    id: `festival:${VOICE}`,
    engine: 'festival',
    async speak(req, signal) {
      const dir = mkdtempSync(join(tmpdir(), 'shortsmith-festival-'));
      try {
        const wavPath = join(dir, 'speech.wav');
        const script = [
          `(${VOICE})`,
          // hts_engine's speed rate (-r): above 1 speaks faster; the utterance's times follow it.
          `(set! hts_engine_params (cons (list "-r" ${Math.min(3, Math.max(0.5, req.wpm / BASE_WPM)).toFixed(3)}) hts_engine_params))`,
          `(set! utt (SynthText ${schemeString(req.text)}))`,
          `(utt.save.wave utt ${schemeString(wavPath)} 'riff)`,
          `(mapcar (lambda (w) (format t "W\\t%s\\t%f\\n" (item.name w) (item.feat w "R:SylStructure.daughter1.daughter1.R:Segment.p.end"))) (utt.relation.items utt 'Word))`,
        ].join('\n');
        const out = await run(opts.festival, script, signal);
        const pcm = parseWav(readFileSync(wavPath));
        const durationSec = wavSeconds(pcm);
        const said = out.split('\n').filter((l) => l.startsWith('W\t')).map((l) => {
          const [, word = '', start = '0'] = l.split('\t');
          return { word, start: Number(start) };
        });
        const wav = encodeWav(normalizePeak(pcm.samples), pcm.sampleRate, pcm.channels);
        return { wav, durationSec, words: said.length ? timingsFromWords(req.text, said, durationSec) : undefined, costMicros: 0 };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function run(bin: string, script: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--pipe'], { signal });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`festival exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`))));
    child.stdin.end(`${script}\n`);
  });
}
