import type { ServerResponse } from 'node:http';
import { createCanvas } from '@napi-rs/canvas';
import { encodeWav } from '../../../pipeline/media/wav';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './http';

/** A 1.5 s voice-like tone as 24 kHz mono WAV, what OpenAI speech returns with response_format wav. */
function fakeSpeechWav(): Buffer {
  const rate = 24_000;
  const samples = new Int16Array(Math.round(rate * 1.5));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 180 * i) / rate) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / rate)));
  return encodeWav(samples, rate, 1);
}

function fakeImagePng(): string {
  const c = createCanvas(64, 112);
  const g = c.getContext('2d');
  g.fillStyle = '#3366aa';
  g.fillRect(0, 0, 64, 112);
  return c.toBuffer('image/png').toString('base64');
}

const MEDIA: Record<string, (req: RecordedRequest, res: ServerResponse) => void> = {
  '/v1/audio/speech': (_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/wav' });
    res.end(fakeSpeechWav());
  },
  '/v1/audio/transcriptions': (req, res) => {
    if (!req.headers['content-type']?.startsWith('multipart/form-data')) return sendJson(res, 400, { error: { message: 'multipart expected' } });
    sendJson(res, 200, {
      text: 'octopuses have three hearts', duration: 1.5, language: 'english',
      words: ['octopuses', 'have', 'three', 'hearts'].map((word, i) => ({ word, start: i * 0.35, end: i * 0.35 + 0.3 })),
    });
  },
  '/v1/images/generations': (_req, res) => sendJson(res, 200, { created: 0, data: [{ b64_json: fakeImagePng() }] }),
};

/** What a scripted chat answer may be: a JSON value (sent as content), raw text, or an HTTP error. */
export type ChatReply =
  | { json: unknown }
  | { text: string }
  | { status: number; headers?: Record<string, string>; body?: unknown };

export interface ChatCall {
  schemaName: string;
  messages: { role: string; content: string }[];
  request: Record<string, unknown>;
}

export interface FakeOpenAI extends FakeServer {
  baseURL: string;
  chatCalls: ChatCall[];
  /** Paths of non-chat API calls, in order (speech, transcriptions, images). */
  mediaCalls: string[];
  /** Replies used before the default answer, in order, per schema name. */
  script: Map<string, ChatReply[]>;
}

const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };

function defaultAnswer(call: ChatCall): unknown {
  const first = JSON.parse(call.messages.find((m) => m.role === 'user')?.content ?? '{}') as Record<string, unknown>;
  const effects = (first.allowedEffects as string[] | undefined) ?? ['static'];
  const scene = (i: number, maxWords: number) => ({
    narrationText: Array.from({ length: Math.max(3, maxWords - 2) }, (_, k) => (k === 0 ? `Scene${i}` : 'word')).join(' ') + '.',
    onScreenText: `S${i}`,
    visualPrompt: `a picture for scene ${i}`,
    effectPreset: effects[i % effects.length],
  });
  switch (call.schemaName) {
    case 'hooks':
      return { hooks: [1, 2, 3, 4, 5].map((n) => `AI hook ${n} about ${String(first.topic).slice(0, 40)}`) };
    case 'outline':
      return { beats: (first.beats as string[]).map((label) => ({ label, summary: `what happens in ${label}` })) };
    case 'scenes':
      return { scenes: (first.scenes as { maxWords: number }[]).map((s, i) => scene(i, s.maxWords)) };
    case 'scene': {
      const spec = first.scene as { index: number; maxWords: number };
      return { scene: { ...scene(spec.index, spec.maxWords), narrationText: `Fresh scene ${spec.index} words here.` } };
    }
    case 'shorten':
      return { narrationText: 'Shorter narration.' };
    default:
      return {};
  }
}

function reply(res: ServerResponse, r: ChatReply, model: string): void {
  if ('status' in r) {
    res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
    res.end(JSON.stringify(r.body ?? { error: { message: 'fake error', type: 'fake' } }));
    return;
  }
  const content = 'json' in r ? JSON.stringify(r.json) : r.text;
  sendJson(res, 200, {
    id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model,
    choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content, refusal: null } }],
    usage: USAGE,
  });
}

/** The schema name a request without `json_schema` asks for, read from the schema our client puts in its system message. */
function schemaNameFromPrompt(messages: ChatCall['messages']): string {
  const system = messages.find((m) => m.role === 'system' && m.content.includes('JSON schema'))?.content ?? '';
  const props = Object.keys((JSON.parse(system.slice(system.indexOf('{')) || '{}') as { properties?: object }).properties ?? {});
  const byProp: Record<string, string> = { hooks: 'hooks', beats: 'outline', scenes: 'scenes', scene: 'scene', narrationText: 'shorten' };
  return byProp[props[0] ?? ''] ?? '';
}

export interface FakeOpenAIOptions {
  /**
   * Which structured-output modes the server knows, like real servers: OpenAI all; some
   * llama.cpp/Ollama builds only `json_object`; others none (a 400 names response_format, and
   * replies wrap the JSON in a Markdown fence as local models often do).
   */
  formats?: 'json_schema' | 'json_object' | 'none';
  /** Requests must carry this bearer key (401 otherwise); by default any key or none passes. */
  requireKey?: string;
}

/** A fake OpenAI-compatible server on 127.0.0.1 speaking chat completions, speech, transcription and images. */
export async function startFakeOpenAI(extra?: (req: RecordedRequest, res: ServerResponse) => boolean, options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const chatCalls: ChatCall[] = [];
  const mediaCalls: string[] = [];
  const script = new Map<string, ChatReply[]>();
  const server = await startFakeServer((req, res) => {
    if (extra?.(req, res)) return;
    if (req.method === 'POST' && MEDIA[req.path]) {
      mediaCalls.push(req.path);
      return MEDIA[req.path]!(req, res);
    }
    if (req.method === 'POST' && req.path === '/v1/chat/completions') {
      const body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      if (options.requireKey && req.headers.authorization !== `Bearer ${options.requireKey}`) return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
      const format = body.response_format as { type?: string; json_schema?: { name?: string } } | undefined;
      const supported = options.formats ?? 'json_schema';
      if (format && (supported === 'none' || (supported === 'json_object' && format.type === 'json_schema'))) {
        return sendJson(res, 400, { error: { message: `response_format type ${format.type} is not supported by this server`, type: 'invalid_request_error' } });
      }
      const messages = body.messages as ChatCall['messages'];
      const call: ChatCall = { schemaName: format?.json_schema?.name ?? schemaNameFromPrompt(messages), messages, request: body };
      chatCalls.push(call);
      const queued = script.get(call.schemaName)?.shift();
      // A plain question (the doctor's "Reply with OK."): a plain answer.
      if (!queued && !format && !call.schemaName) return reply(res, { text: 'OK' }, String(body.model));
      if (!queued && supported === 'none') return reply(res, { text: `Here is the JSON:\n\`\`\`json\n${JSON.stringify(defaultAnswer(call))}\n\`\`\`` }, String(body.model));
      return reply(res, queued ?? { json: defaultAnswer(call) }, String(body.model));
    }
    sendJson(res, 404, { error: { message: `no fake for ${req.method} ${req.path}` } });
  });
  return { ...server, baseURL: `${server.url}/v1`, chatCalls, mediaCalls, script };
}

/** Cost the fake's fixed usage comes to for gpt-4o-mini, in micro-dollars. */
export const FAKE_CALL_COST_MICROS = Math.round(USAGE.prompt_tokens * 0.15 + USAGE.completion_tokens * 0.6);
