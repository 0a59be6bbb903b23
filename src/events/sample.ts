// Realistic, deterministic click events for tests and benchmarks: the same seed always gives the
// same event, and the mix (browsers, bots, direct traffic, IPv6) resembles a shortener's traffic.
import { formatEventId } from './event-id.js';
import { normalizeIp } from './ip.js';
import type { ClickEvent, DeviceClass } from './types.js';

interface Visitor {
  userAgent: string;
  device: DeviceClass;
  browser: string;
  os: string;
  bot: boolean;
}

const visitors: readonly Visitor[] = [
  { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', device: 'desktop', browser: 'Chrome', os: 'Windows', bot: false },
  { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1', device: 'mobile', browser: 'Mobile Safari', os: 'iOS', bot: false },
  { userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', device: 'mobile', browser: 'Chrome Mobile', os: 'Android', bot: false },
  { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', device: 'desktop', browser: 'Safari', os: 'macOS', bot: false },
  { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', device: 'desktop', browser: 'Firefox', os: 'Linux', bot: false },
  { userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1', device: 'tablet', browser: 'Mobile Safari', os: 'iPadOS', bot: false },
  { userAgent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', device: 'bot', browser: 'Slackbot', os: '', bot: true },
  { userAgent: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', device: 'bot', browser: 'Facebook', os: '', bot: true },
  { userAgent: 'curl/8.5.0', device: 'unknown', browser: 'curl', os: '', bot: false },
];

const referrers: readonly string[] = [
  '', '', '', '', 'https://www.google.com/', 'https://t.co/', 'https://news.ycombinator.com/',
  'https://www.linkedin.com/', 'https://l.facebook.com/', 'https://mail.example.org/inbox', 'android-app://com.slack/',
];

const countries: readonly string[] = ['US', 'US', 'US', 'DE', 'GB', 'IN', 'BR', 'FR', 'JP', 'CA', 'NL', ''];

/** mulberry32: tiny, fast, and good enough to make varied fixtures. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** 2026-01-01T00:00:00Z: sample events are spread over the following hours. */
const sampleEpochMs = Date.UTC(2026, 0, 1);

function sampleIp(random: () => number): string {
  const part = (range: number) => Math.floor(random() * range);
  if (random() < 0.7) return `${1 + part(222)}.${part(256)}.${part(256)}.${1 + part(254)}`;
  const group = () => part(0x10000).toString(16);
  return normalizeIp(`2a0${part(10)}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}:${group()}`)!;
}

/**
 * The click of number `seed`: 1,000 links across 200 users and 50 accounts; 95 to 280 bytes
 * encoded, about 204 on average (a browser's user agent alone is 70 to 140). `overrides`
 * replaces fields after generation, for edge cases.
 */
export function sampleClickEvent(seed = 0, overrides: Partial<ClickEvent> = {}): ClickEvent {
  const random = seededRandom(seed * 2654435761);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const link = Math.floor(random() * 1000);
  const visitor = pick(visitors);
  const eventTimeMs = sampleEpochMs + seed * 20 + Math.floor(random() * 20);
  const idRandom = Uint8Array.from({ length: 16 }, () => Math.floor(random() * 32));
  const event: ClickEvent = {
    id: formatEventId(eventTimeMs, idRandom),
    eventTimeMs,
    ingestTimeMs: eventTimeMs + 1 + Math.floor(random() * 150),
    linkId: `lnk_${(link * 7919).toString(36).padStart(6, '0')}`,
    slug: (link * 104729 + 11).toString(36).slice(0, 7),
    userId: `usr_${(link % 200).toString(36).padStart(4, '0')}`,
    accountId: `acc_${(link % 50).toString(36).padStart(3, '0')}`,
    ip: sampleIp(random),
    userAgent: visitor.userAgent,
    referrer: pick(referrers),
    country: pick(countries),
    device: visitor.device,
    browser: visitor.browser,
    os: visitor.os,
    bot: visitor.bot,
    head: random() < 0.02,
    source: random() < 0.9 ? 'redirect' : 'import',
  };
  return { ...event, ...overrides };
}
