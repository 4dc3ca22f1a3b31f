import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { findBinaries } from '../../../pipeline/render/binaries';

/** Seconds of speech the fake gives each word, and Edge's time unit (100 ns). */
const WORD_SEC = 0.3;
const TICKS = 10_000_000;

export type EdgeMode = 'speak' | 'refuse' | 'silent' | 'stall' | 'garbage';

export interface FakeEdge {
  url: string;
  /** SSML documents received, in order. */
  ssml: string[];
  /** speech.config messages received (the output format the client asked for). */
  configs: string[];
  mode: EdgeMode;
  close(): Promise<void>;
}

/** A tone the length of `sec` as 24 kHz mono MP3, what Edge streams. */
function mp3(sec: number): Buffer {
  const { ffmpeg } = findBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
  const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=frequency=220:sample_rate=24000:duration=${sec}`, '-ac', '1', '-c:a', 'libmp3lame', '-b:a', '48k', '-f', 'mp3', 'pipe:1'], { maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the fake's MP3: ${r.stderr.toString()}`);
  return r.stdout;
}

const textMessage = (path: string, body = '', type = 'application/json; charset=utf-8') =>
  `X-RequestId:fake\r\nContent-Type:${type}\r\nPath:${path}\r\n\r\n${body}`;

function audioMessage(data: Buffer): Buffer {
  const header = Buffer.from('X-RequestId:fake\r\nContent-Type:audio/mpeg\r\nX-StreamId:fake\r\nPath:audio\r\n', 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(header.length);
  return Buffer.concat([len, header, data]);
}

const unescapeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * Edge's read-aloud websocket as edge-tts-universal speaks it: speech.config, then an SSML
 * request; answered with turn.start, one audio.metadata WordBoundary per word (offsets in 100 ns
 * units), the MP3 in binary frames with a length-prefixed header, and turn.end. `mode` makes it
 * refuse the upgrade, accept and say nothing, start a turn and never finish it, or send a frame
 * Edge never sends.
 */
export async function startFakeEdge(): Promise<FakeEdge> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, done) => done(fake.mode !== 'refuse', 403, 'Forbidden') });
  const fake: FakeEdge = { url: '', ssml: [], configs: [], mode: 'speak', close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) };
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (raw: Buffer) => {
      const msg = raw.toString('utf8');
      if (msg.includes('Path:speech.config')) return void fake.configs.push(msg);
      if (!msg.includes('Path:ssml')) return;
      const ssml = msg.slice(msg.indexOf('<speak'));
      fake.ssml.push(ssml);
      if (fake.mode === 'silent') return;
      if (fake.mode === 'garbage') return ws.send(textMessage('surprise', '{}'));
      if (fake.mode === 'stall') {
        ws.send(textMessage('turn.start', '{"context":{"serviceTag":"fake"}}'));
        return ws.send(textMessage('audio.metadata', JSON.stringify({ Metadata: [{ Type: 'WordBoundary', Data: { Offset: 1_000_000, Duration: 2_000_000, text: { Text: 'Octopuses', Length: 9, BoundaryType: 'WordBoundary' } } }] })));
      }
      const text = unescapeXml(/<prosody[^>]*>([\s\S]*)<\/prosody>/.exec(ssml)?.[1] ?? '');
      const words = text.match(/[\p{L}\p{N}']+/gu) ?? [];
      ws.send(textMessage('turn.start', '{"context":{"serviceTag":"fake"}}'));
      words.forEach((w, i) => {
        const meta = { Metadata: [{ Type: 'WordBoundary', Data: { Offset: Math.round((0.1 + i * WORD_SEC) * TICKS), Duration: Math.round(WORD_SEC * 0.8 * TICKS), text: { Text: w, Length: w.length, BoundaryType: 'WordBoundary' } } }] };
        ws.send(textMessage('audio.metadata', JSON.stringify(meta)));
      });
      const audio = mp3(0.2 + words.length * WORD_SEC);
      for (let off = 0; off < audio.length; off += 4096) ws.send(audioMessage(audio.subarray(off, off + 4096)));
      ws.send(textMessage('turn.end', '{}'));
    });
  });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  fake.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/consumer/speech/synthesize/readaloud/edge/v1`;
  return fake;
}
