import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT_PATHS = [
  'token', '*.token', 'apiKey', '*.apiKey', 'authorization', '*.authorization',
  'headers.authorization', '*.headers.authorization', 'password', '*.password',
  'config.openai.apiKey', 'config.discord.token', 'config.telegram.token', 'config.telegram.webhookSecret', 'secretToken', '*.secretToken',
  'config.engines.*.apiKey', 'config.secretKey', 'config.tiktok.clientSecret', 'config.google.clientSecret',
  'access_token', '*.access_token', 'refresh_token', '*.refresh_token', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'config.publish.webhookSecret', 'config.publish.webhookUrl', 'webhookSecret', '*.webhookSecret', 'webhookUrl', '*.webhookUrl', 'secret', '*.secret',
];

/** Token-shaped strings that must never reach a log line even inside free text. */
const SECRET_PATTERNS: RegExp[] = [
  /sk-[A-Za-z0-9_-]{16,}/g, // OpenAI keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, // bearer tokens echoed in an error
  /\b\d{6,12}:[A-Za-z0-9_-]{30,}\b/g, // Telegram bot tokens
  /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b/g, // Discord bot tokens
  /(postgres(?:ql)?:\/\/[^:/@\s]+):[^@\s]+@/g, // passwords in database URLs
];

/** Replaces anything token-shaped in `text` with a marker. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (acc, re) => acc.replace(re, (m, userPart?: string) => (typeof userPart === 'string' && m.startsWith('postgres') ? `${userPart}:***@` : '[redacted]')),
    text,
  );
}

/** Creates the process logger; JSON to stdout (or `destination`), secrets redacted. */
export function makeLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      formatters: {
        log(object) {
          const err = object.err;
          if (err instanceof Error) {
            return { ...object, err: { type: err.name, message: scrubSecrets(err.message), stack: err.stack && scrubSecrets(err.stack) } };
          }
          return object;
        },
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
