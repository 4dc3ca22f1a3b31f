import { Writable } from 'node:stream';
import { makeLogger, type Logger } from '../../core/logger';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };

/** One pino record as a person reads it in a terminal: "warning: footage not found for scene (scene 9: no usable clip found)". */
export function terminalLine(record: Record<string, unknown>): string {
  const details = [
    record.scene !== undefined ? `scene ${String(record.scene)}` : '',
    typeof record.engine === 'string' ? record.engine : '',
    typeof record.reason === 'string' ? record.reason : '',
  ].filter(Boolean).join(': ');
  return `${LEVELS[Number(record.level)] ?? 'log'}: ${String(record.msg ?? '')}${details ? ` (${details})` : ''}\n`;
}

/**
 * The commands' logger in a terminal: the same records (keys redacted by `makeLogger`) as short
 * lines on stderr instead of JSON. LOG_FORMAT=json keeps JSON (for scripts).
 */
export function terminalLogger(level = process.env.LOG_LEVEL ?? 'warn'): Logger {
  if (process.env.LOG_FORMAT === 'json') return makeLogger(level, process.stderr);
  return makeLogger(level, new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        try {
          process.stderr.write(terminalLine(JSON.parse(line) as Record<string, unknown>));
        } catch {
          process.stderr.write(`${line}\n`);
        }
      }
      done();
    },
  }));
}
