import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Seals secrets (OAuth tokens) for storage: AES-256-GCM with a key derived from SECRET_KEY. */
export interface Sealer {
  seal(plain: string): string;
  /** Throws when the text was sealed with another key or changed since. */
  open(sealed: string): string;
}

const VERSION = 'v1';

/**
 * A sealer for `secretKey` (SECRET_KEY, at least 32 characters). The AES key is derived with
 * HKDF-SHA256, each value gets a fresh 12-byte nonce, and GCM's tag makes any change to the
 * stored text fail to open. Stored form: `v1.<nonce>.<tag>.<ciphertext>` (base64url).
 */
export function makeSealer(secretKey: string): Sealer {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.alloc(0), 'shortsmith token seal v1', 32));
  return {
    seal(plain) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, nonce, tag, body] = sealed.split('.');
      if (version !== VERSION || !nonce || !tag || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
