// The raw MIME message (multipart/alternative: plain text, then HTML), built by nodemailer's
// stream transport and byte-deterministic: the Date header, the Message-ID and the MIME boundary
// are derived from (user, day, version), never from the clock or a random source.
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { renderDigest } from './digest-render.js';
import type { DigestMessageInput } from './digest-content.js';
import { senderDomain } from './options.js';

export interface DigestRecipient {
  email: string;
  name: string;
}

export interface BuiltMessage {
  raw: Buffer;
  messageId: string;
  /** `sha256:<hex>` of `raw`. */
  contentHash: string;
  subject: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `<digest.2026-11-24.v1.<hash of user>@domain>`: the same for every attempt at one version. */
export function digestMessageId(userId: string, day: string, version: number, from: string): string {
  return `<digest.${day}.v${version}.${sha256Hex(userId).slice(0, 24)}@${senderDomain(from)}>`;
}

/**
 * The Date header: the end of day D in the last time zone to finish it (UTC-12, i.e. D+1 12:00Z),
 * one hour later per correction. Fixed, so a message's bytes depend only on its content.
 */
export function digestDate(day: string, version: number): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + 1, 12) + (version - 1) * 3_600_000);
}

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

export async function buildDigestMessage(input: DigestMessageInput, recipient: DigestRecipient, from: string): Promise<BuiltMessage> {
  const { report, version } = input;
  const rendered = renderDigest(input);
  const messageId = digestMessageId(report.userId, report.day, version, from);
  const info = await composer.sendMail({
    from,
    to: { name: recipient.name, address: recipient.email },
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId,
    date: digestDate(report.day, version),
    baseBoundary: sha256Hex(messageId).slice(0, 16),
    textEncoding: 'quoted-printable',
    headers: { 'X-Clickflow-Digest': `${report.day}; version=${version}; kind=${input.kind}` },
  });
  const raw = info.message as Buffer;
  return { raw, messageId, contentHash: `sha256:${createHash('sha256').update(raw).digest('hex')}`, subject: rendered.subject };
}
