// Where a built digest goes: an SMTP server (nodemailer, one pooled connection per run) or, when
// none is configured, an `.eml` file in `<dataDir>/outbox/<day>/`, written atomically (the same
// version always has the same name and bytes, so writing it twice is harmless).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ExternalError } from '../../core/index.js';
import { writeOutputAtomically } from '../../orchestrator/index.js';
import type { DigestOptions } from './options.js';
import { senderAddress } from './options.js';

export interface DigestDelivery {
  readonly kind: 'smtp' | 'outbox';
  /** Delivers the raw message; resolves with where it went (the Message-ID or the file). */
  deliver(message: { raw: Buffer; messageId: string; to: string; userId: string; day: string; version: number }, signal: AbortSignal): Promise<string>;
  close(): void;
}

/** A file name from an id: letters, digits, `_` and `-` kept, anything else `_`. */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function outboxDelivery(dataDir: string): DigestDelivery {
  return {
    kind: 'outbox',
    async deliver(message, signal) {
      const output = await writeOutputAtomically(join(dataDir, 'outbox', message.day), `${safeName(message.userId)}.v${message.version}.eml`, (path) => writeFile(path, message.raw), { signal });
      return output.path;
    },
    close() {},
  };
}

/** Connection trouble and 4xx answers may pass; a 5xx answer (a refused address, a refused message) will not. */
function smtpError(error: unknown, to: string): ExternalError {
  const code = (error as { responseCode?: number }).responseCode;
  const permanent = typeof code === 'number' && code >= 500;
  const message = error instanceof Error ? error.message : String(error);
  return new ExternalError(`sending the digest to ${to} failed: ${message}`, { cause: error, retryable: !permanent, code: permanent ? 'smtp_rejected' : 'smtp_unavailable' });
}

export function smtpDelivery(options: DigestOptions): DigestDelivery {
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    host: options.smtpHost,
    port: options.smtpPort,
    secure: options.smtpSecure,
    auth: options.smtpUser === undefined ? undefined : { user: options.smtpUser, pass: options.smtpPassword },
    connectionTimeout: options.smtpTimeoutMs,
    greetingTimeout: options.smtpTimeoutMs,
    socketTimeout: options.smtpTimeoutMs,
  });
  const envelopeFrom = senderAddress(options.from);
  return {
    kind: 'smtp',
    async deliver(message, signal) {
      signal.throwIfAborted();
      try {
        await transport.sendMail({ envelope: { from: envelopeFrom, to: [message.to] }, raw: message.raw });
      } catch (error) {
        throw smtpError(error, message.to);
      }
      return message.messageId;
    },
    close() {
      transport.close();
    },
  };
}
