export interface MixInput {
  /** Input index of the voice track and of the music bed (null: voice only). */
  voiceInput: number;
  musicInput: number | null;
  totalSec: number;
  /** Music level before ducking (linear). */
  musicGain: number;
}

/** How the mix is brought to the loudness target: a fixed gain, then a peak limiter if needed. */
export interface MasterPlan {
  gainDb: number;
  /** Sample-peak ceiling of the limiter (dBFS), or null when the gain alone keeps peaks safe. */
  limitDb: number | null;
}

const OUT_FORMAT = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';

/**
 * The voice padded to the full length over music ducked under it by a sidechain compressor,
 * mixed and cut to exactly the video's length. Output label: `[${out}]`.
 */
export function buildMixGraph(a: MixInput, out: string): string {
  const end = a.totalSec.toFixed(3);
  if (a.musicInput === null) return `[${a.voiceInput}:a]${OUT_FORMAT},apad,atrim=0:${end}[${out}]`;
  return [
    `[${a.voiceInput}:a]${OUT_FORMAT},apad,asplit=2[voice][key]`,
    `[${a.musicInput}:a]${OUT_FORMAT},volume=${a.musicGain},apad[bed]`,
    `[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]`,
    `[voice][ducked]amix=inputs=2:duration=longest:dropout_transition=0,atrim=0:${end}[${out}]`,
  ].join(';');
}

/** The gain, then the limiter when the plan has one. */
function masterFilters(m: MasterPlan): string {
  const limiter = m.limitDb === null ? '' : `,alimiter=limit=${dbToLinear(m.limitDb).toFixed(4)}:attack=5:release=50:level=disabled`;
  return `volume=${m.gainDb.toFixed(2)}dB${limiter}`;
}

/**
 * The mix, written once (label [aout], to a WAV) and metered on the way (label [metered]: EBU R128
 * with the true-peak meter, which upsamples 4×), so later passes start from the finished mix.
 */
export function buildMixdownGraph(a: MixInput): string {
  return `${buildMixGraph(a, 'mix')};[mix]asplit=2[meter][aout];[meter]ebur128=peak=true[metered]`;
}

/**
 * The mixdown (input 0) mastered by `master`: into a loudness meter (`measure`), or as the
 * finished soundtrack at 48 kHz stereo. Output label: [aout].
 */
export function buildMasterGraph(master: MasterPlan, measure: boolean): string {
  return `[0:a]${masterFilters(master)},${measure ? 'ebur128' : OUT_FORMAT}[aout]`;
}

/**
 * The mix brought to its loudness target in one graph (the bench's encoder floor uses it): one
 * linear gain, a look-ahead limiter only when the peaks would pass the ceiling, 48 kHz stereo.
 * Output label: [aout].
 */
export function buildAudioGraph(a: MixInput & { master: MasterPlan }): string {
  return `${buildMixGraph(a, 'mix')};[mix]${masterFilters(a.master)},${OUT_FORMAT}[aout]`;
}

const dbToLinear = (db: number) => 10 ** (db / 20);

/**
 * The gain that lands the measured mix on `target.I`, and whether a limiter is needed to keep
 * the true peak under `target.TP`. The limiter works on sample peaks, so its ceiling sits
 * `interSampleDb` under the target to leave room for peaks between samples.
 */
export function planMaster(measured: { I: number; TP: number }, target: { I: number; TP: number }, interSampleDb = 1): MasterPlan {
  // Silence (or near) measures −70 LUFS or −inf: leave it alone rather than amplify noise.
  if (!Number.isFinite(measured.I) || measured.I < -60) return { gainDb: 0, limitDb: target.TP - interSampleDb };
  const gainDb = Math.round((target.I - measured.I) * 100) / 100;
  const peakAfter = measured.TP + gainDb;
  return { gainDb, limitDb: peakAfter > target.TP ? target.TP - interSampleDb : null };
}

/** Integrated loudness (LUFS) and true or sample peak (dBFS) from an `ebur128` summary on stderr. */
export function parseEbur128(stderr: string): { I: number | undefined; peak: number | undefined } {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const num = (m: RegExpExecArray | null) => (m ? (m[1] === '-inf' ? -Infinity : Number(m[1])) : undefined);
  return {
    I: num(/I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)),
    peak: num(/Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)),
  };
}
