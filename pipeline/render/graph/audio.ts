export interface AudioGraphInput {
  /** Input index of the voice track and of the music bed (null: voice only). */
  voiceInput: number;
  musicInput: number | null;
  totalSec: number;
  /** Music level before ducking (linear). */
  musicGain: number;
  loudnessI: number;
  truePeak: number;
}

const OUT_FORMAT = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';

/**
 * The audio half of the render graph: the voice padded to the full length, music ducked under
 * it with a sidechain compressor, mixed, loudness-normalised (EBU R128) and ended at exactly
 * the video's length. Output label: [aout].
 */
export function buildAudioGraph(a: AudioGraphInput): string {
  const end = a.totalSec.toFixed(3);
  const norm = `loudnorm=I=${a.loudnessI}:TP=${a.truePeak}:LRA=11,aresample=48000,${OUT_FORMAT}`;
  if (a.musicInput === null) {
    return `[${a.voiceInput}:a]${OUT_FORMAT},apad,atrim=0:${end},${norm}[aout]`;
  }
  return [
    `[${a.voiceInput}:a]${OUT_FORMAT},apad,asplit=2[voice][key]`,
    `[${a.musicInput}:a]${OUT_FORMAT},volume=${a.musicGain},apad[bed]`,
    `[bed][key]sidechaincompress=threshold=0.02:ratio=8:attack=20:release=400[ducked]`,
    `[voice][ducked]amix=inputs=2:duration=longest:dropout_transition=0,atrim=0:${end},${norm}[aout]`,
  ].join(';');
}
