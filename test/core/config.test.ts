import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../../core/config';
import { ConfigError } from '../../core/errors';
import { makeLogger, scrubSecrets } from '../../core/logger';

describe('config', () => {
  it('has working defaults with no environment at all', () => {
    const c = loadConfig({});
    expect(c.database.provider).toBe('sqlite');
    expect(c.database.url).toMatch(/^file:.*data\/shortsmith\.db$/);
    expect(c.openai.model).toBe('gpt-4o-mini');
    expect(c.render.concurrency).toBe(1);
  });

  it('picks PostgreSQL from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h:5432/db' }).database.provider).toBe('postgresql');
  });

  it('names every bad variable', () => {
    const err = (() => {
      try {
        loadConfig({ DATABASE_URL: 'mysql://x', RENDER_CONCURRENCY: '0', OPENAI_BASE_URL: 'not a url' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('DATABASE_URL');
    expect(msg).toContain('RENDER_CONCURRENCY');
    expect(msg).toContain('OPENAI_BASE_URL');
  });
});

describe('logger', () => {
  it('never writes tokens or keys', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const log = makeLogger('info', sink);
    const tgToken = '123456789:AAH7f0bcdefghijklmnopqrstuvwxyz12345';
    const openaiKey = 'sk-proj-abcdefghijklmnopqrstuvwx';
    log.info({ token: 'plain-token-value', config: { openai: { apiKey: openaiKey } } }, `calling with ${tgToken}`);
    log.error({ err: new Error(`request failed for ${openaiKey}`) }, 'boom');
    const out = lines.join('');
    expect(out).not.toContain('plain-token-value');
    expect(out).not.toContain(tgToken);
    expect(out).not.toContain(openaiKey);
    expect(out).toContain('[redacted]');
    expect(scrubSecrets('postgresql://user:hunter2@db:5432/x')).toBe('postgresql://user:***@db:5432/x');
    expect(redactUrl('postgresql://user:hunter2@db:5432/x')).toBe('postgresql://user:***@db:5432/x');
  });
});
