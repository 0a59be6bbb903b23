// The digest and correction messages as plain text and HTML, from a DigestMessageInput alone (no
// clock, no locale of the machine), so the same input always gives the same text.
import type { CountChange, DigestLinkLine, DigestMessageInput, DigestReport } from './digest-content.js';
import { countChanges } from './digest-content.js';

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const numberFormat = new Intl.NumberFormat('en-US');
const format = (value: number): string => numberFormat.format(value);

function signed(value: number): string {
  return value > 0 ? `+${format(value)}` : value < 0 ? `−${format(-value)}` : '±0';
}

/** `+12 (+9.1%)`, `new` when there were none the day before. */
export function changeText(before: number, after: number): string {
  if (before === 0) return after === 0 ? '±0' : 'new';
  const percent = ((after - before) / before) * 100;
  return `${signed(after - before)} (${percent >= 0 ? '+' : '−'}${Math.abs(percent).toFixed(1)}%)`;
}

function longDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(year, month - 1, date)));
}

function linkName(link: DigestLinkLine): string {
  return link.slug === '' ? link.linkId : `/${link.slug}`;
}

function topValue(dimension: 'country' | 'referrer' | 'device', value: string): string {
  if (value !== '') return value;
  return dimension === 'country' ? 'unknown' : dimension === 'referrer' ? '(direct)' : 'other';
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const topDimensions = [['country', 'Top countries'], ['referrer', 'Top referrers'], ['device', 'Top devices']] as const;

function digestText(report: DigestReport): string {
  const { totals } = report;
  const lines = [
    `Hello ${report.userName || 'there'},`,
    '',
    `your links on ${longDay(report.day)} (${report.timeZone}):`,
    '',
    `Human clicks: ${format(totals.human)} (${changeText(totals.beforeHuman, totals.human)} against the day before: ${format(totals.beforeHuman)})`,
    `Flagged, not counted above: ${format(totals.suspicious)} suspicious, ${format(totals.bot)} bot`,
    '',
    'Link | Clicks | Visitors | Change | Suspicious | Bot',
  ];
  for (const link of report.links) {
    lines.push(`${linkName(link)} | ${format(link.human)} | ${format(link.visitors)} | ${changeText(link.beforeHuman, link.human)} | ${format(link.suspicious)} | ${format(link.bot)}`);
  }
  if (report.otherLinks) {
    const other = report.otherLinks;
    lines.push(`(${format(other.count)} more links) | ${format(other.human)} | - | ${changeText(other.beforeHuman, other.human)} | ${format(other.suspicious)} | ${format(other.bot)}`);
  }
  lines.push('');
  for (const [dimension, title] of topDimensions) {
    const entries = report.top[dimension].map((entry) => `${topValue(dimension, entry.value)} ${format(entry.clicks)}`);
    lines.push(`${title}: ${entries.length === 0 ? '-' : entries.join(', ')}`);
  }
  lines.push('', 'Clicks are unique clicks (retries counted once); visitors are distinct addresses of human clicks.', '');
  return lines.join('\n');
}

function cell(text: string, numeric = false): string {
  return `<td${numeric ? ' style="text-align:right"' : ''}>${escapeHtml(text)}</td>`;
}

function digestHtml(report: DigestReport): string {
  const { totals } = report;
  const rows = report.links.map((link) =>
    `<tr data-link="${escapeHtml(linkName(link))}">${cell(linkName(link))}${cell(format(link.human), true)}${cell(format(link.visitors), true)}${cell(changeText(link.beforeHuman, link.human), true)}${cell(format(link.suspicious), true)}${cell(format(link.bot), true)}</tr>`);
  if (report.otherLinks) {
    const other = report.otherLinks;
    rows.push(`<tr data-link="other">${cell(`(${format(other.count)} more links)`)}${cell(format(other.human), true)}${cell('-', true)}${cell(changeText(other.beforeHuman, other.human), true)}${cell(format(other.suspicious), true)}${cell(format(other.bot), true)}</tr>`);
  }
  const tops = topDimensions.map(([dimension, title]) => {
    const items = report.top[dimension].map((entry) => `<li data-value="${escapeHtml(entry.value)}">${escapeHtml(topValue(dimension, entry.value))}: ${format(entry.clicks)}</li>`);
    return `<h3>${title}</h3><ul data-top="${dimension}">${items.join('') || '<li>-</li>'}</ul>`;
  });
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>Your links yesterday</title></head><body style="font-family:sans-serif">',
    `<p>Hello ${escapeHtml(report.userName || 'there')},</p>`,
    `<p>your links on ${escapeHtml(longDay(report.day))} (${escapeHtml(report.timeZone)}):</p>`,
    `<p><strong data-total="human">${format(totals.human)}</strong> human clicks (<span data-change="human">${changeText(totals.beforeHuman, totals.human)}</span> against the day before: ${format(totals.beforeHuman)})<br>`,
    `Flagged, not counted above: <span data-total="suspicious">${format(totals.suspicious)}</span> suspicious, <span data-total="bot">${format(totals.bot)}</span> bot</p>`,
    '<table border="1" cellpadding="4" style="border-collapse:collapse">',
    '<thead><tr><th>Link</th><th>Clicks</th><th>Visitors</th><th>Change</th><th>Suspicious</th><th>Bot</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    ...tops,
    '<p style="color:#666">Clicks are unique clicks (retries counted once); visitors are distinct addresses of human clicks.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

function changeLine(change: CountChange): string {
  return `${change.label}: ${format(change.before)} → ${format(change.after)} (${signed(change.after - change.before)})`;
}

function correctionText(input: DigestMessageInput, changes: readonly CountChange[]): string {
  const report = input.report;
  return [
    `Hello ${report.userName || 'there'},`,
    '',
    `late data changed the numbers of your digest for ${longDay(report.day)} (${report.timeZone}). What changed:`,
    '',
    ...changes.map(changeLine),
    '',
    `Human clicks now: ${format(report.totals.human)}; flagged: ${format(report.totals.suspicious)} suspicious, ${format(report.totals.bot)} bot.`,
    `This is correction ${input.version - 1} of that digest.`,
    '',
  ].join('\n');
}

function correctionHtml(input: DigestMessageInput, changes: readonly CountChange[]): string {
  const report = input.report;
  return [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>Digest correction</title></head><body style="font-family:sans-serif">',
    `<p>Hello ${escapeHtml(report.userName || 'there')},</p>`,
    `<p>late data changed the numbers of your digest for ${escapeHtml(longDay(report.day))} (${escapeHtml(report.timeZone)}). What changed:</p>`,
    `<ul>${changes.map((change) => `<li data-change="${escapeHtml(change.label)}">${escapeHtml(changeLine(change))}</li>`).join('')}</ul>`,
    `<p>Human clicks now: <strong data-total="human">${format(report.totals.human)}</strong>; flagged: ${format(report.totals.suspicious)} suspicious, ${format(report.totals.bot)} bot.</p>`,
    `<p>This is correction ${input.version - 1} of that digest.</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

export function renderDigest(input: DigestMessageInput): RenderedDigest {
  const day = input.report.day;
  if (input.kind === 'digest') {
    return { subject: `Your links on ${day}: ${format(input.report.totals.human)} clicks`, text: digestText(input.report), html: digestHtml(input.report) };
  }
  const changes = input.previous ? countChanges(input.previous, input.report) : [];
  return { subject: `Correction: your links on ${day}`, text: correctionText(input, changes), html: correctionHtml(input, changes) };
}
