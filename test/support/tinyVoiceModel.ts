import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * A tiny VITS-shaped voice model for sherpa-onnx, written as ONNX protobuf bytes by hand (no
 * Python or onnx package here). It has the inputs sherpa's VITS runner feeds — x (token ids),
 * x_length, noise_scale, length_scale, noise_scale_w — and the metadata it reads; its graph tiles
 * a short tone once per token: y = Tile(tone[1,1,K], [1, 1, x_length]). So the audio is exactly
 * tokens × K samples long, which the test checks.
 */

// --- protobuf wire format ---------------------------------------------------------------
const varint = (n: number | bigint): Buffer => {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Buffer.from(out);
};
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field: number, b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return Buffer.concat([key(field, 2), varint(buf.length), buf]);
};
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));

// --- ONNX messages (field numbers from onnx.proto) ---------------------------------------
const FLOAT = 1;
const INT64 = 7;

/** ValueInfoProto: a graph input or output with an element type and a shape (numbers or names). */
const valueInfo = (field: number, name: string, elem: number, dims: (number | string)[]) =>
  msg(field, bytes(1, name), msg(2, msg(1, int(1, elem), msg(2, ...dims.map((d) => msg(1, typeof d === 'number' ? int(1, d) : bytes(2, d)))))));

/** TensorProto with raw little-endian data. */
const tensor = (field: number, name: string, elem: number, dims: number[], raw: Buffer) =>
  msg(field, ...dims.map((d) => int(1, d)), int(2, elem), bytes(8, name), bytes(9, raw));

/** NodeProto, with an optional integer attribute. */
const node = (inputs: string[], outputs: string[], op: string, attr?: { name: string; i: number }) =>
  msg(1, ...inputs.map((i) => bytes(1, i)), ...outputs.map((o) => bytes(2, o)), bytes(3, `${op}_node`), bytes(4, op),
    ...(attr ? [msg(5, bytes(1, attr.name), int(3, attr.i), int(20, 2))] : []));

export interface TinyModel {
  dir: string;
  sampleRate: number;
  /** Samples per token. */
  samplesPerToken: number;
  /** Words the lexicon knows, each spoken as this many tokens. */
  words: Record<string, number>;
}

/** Writes model.onnx, tokens.txt and lexicon.txt into `dir` (a lexicon VITS model, like vits-ljs). */
export function writeTinyVoiceModel(dir: string, opts: { sampleRate?: number; samplesPerToken?: number; speakers?: number } = {}): TinyModel {
  const sampleRate = opts.sampleRate ?? 16_000;
  const k = opts.samplesPerToken ?? 800;
  const tone = Buffer.alloc(k * 4);
  for (let i = 0; i < k; i++) tone.writeFloatLE(0.5 * Math.sin((2 * Math.PI * 200 * i) / sampleRate), i * 4);
  const ones = Buffer.alloc(16);
  ones.writeBigInt64LE(1n, 0);
  ones.writeBigInt64LE(1n, 8);
  const graph = Buffer.concat([
    node(['ones', 'x_length'], ['repeats'], 'Concat', { name: 'axis', i: 0 }),
    node(['tone', 'repeats'], ['y'], 'Tile'),
    bytes(2, 'tiny_vits'),
    tensor(5, 'tone', FLOAT, [1, 1, k], tone),
    tensor(5, 'ones', INT64, [2], ones),
    valueInfo(11, 'x', INT64, [1, 'N']),
    valueInfo(11, 'x_length', INT64, [1]),
    valueInfo(11, 'noise_scale', FLOAT, [1]),
    valueInfo(11, 'length_scale', FLOAT, [1]),
    valueInfo(11, 'noise_scale_w', FLOAT, [1]),
    valueInfo(12, 'y', FLOAT, [1, 1, 'T']),
  ]);
  const meta = (k2: string, v: string) => msg(14, bytes(1, k2), bytes(2, v));
  const model = Buffer.concat([
    int(1, 8), // ir_version
    bytes(2, 'shortsmith-test'),
    msg(7, graph),
    msg(8, bytes(1, ''), int(2, 13)), // opset 13
    meta('model_type', 'vits'), meta('comment', 'tiny test model'), meta('language', 'English'),
    meta('sample_rate', String(sampleRate)), meta('add_blank', '0'), meta('n_speakers', String(opts.speakers ?? 1)),
    meta('punctuation', ', . ! ?'),
  ]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), model);
  const symbols = ['_', ...'abcdefghijklmnopqrstuvwxyz'.split(''), ',', '.', '!', '?', ' '];
  // The space token is a line holding only its id, as in sherpa's own lexicon models.
  writeFileSync(join(dir, 'tokens.txt'), symbols.map((s, i) => (s === ' ' ? ` ${i}` : `${s} ${i}`)).join('\n') + '\n');
  const words: Record<string, number> = {};
  const vocabulary = ['octopuses', 'have', 'three', 'hearts', 'two', 'pump', 'blood', 'to', 'the', 'gills', 'third', 'feeds', 'body', 'ready'];
  const lexicon = vocabulary.map((w) => {
    words[w] = w.length;
    return `${w} ${w.split('').join(' ')}`;
  });
  writeFileSync(join(dir, 'lexicon.txt'), lexicon.join('\n') + '\n');
  return { dir, sampleRate, samplesPerToken: k, words };
}
