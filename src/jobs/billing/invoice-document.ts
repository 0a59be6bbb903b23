// An invoice as data (the JSON file) and its CSV and HTML renderings. Everything in them comes
// from the month's numbers, the plan and the adjustments carried: no clock, no machine locale, so
// the same input always gives the same bytes.
import type { Account, Plan } from '../../store/index.js';
import type { InvoiceAdjustment, InvoiceClicks } from '../../store/index.js';
import { tierUsage } from './tiers.js';

export interface InvoiceLine {
  kind: 'fee' | 'usage' | 'adjustment';
  description: string;
  /** For an adjustment: the month its clicks belong to. */
  forMonth: string | null;
  /** Clicks (usage, adjustment) or 1 (fee). */
  quantity: number;
  /** Price per 1,000 clicks (usage) or per unit (fee); null for an adjustment. */
  unitPriceMinor: number | null;
  amountMinor: number;
}

export interface InvoiceDocument {
  invoice: string;
  accountId: string;
  accountName: string;
  month: string;
  version: number;
  status: 'final';
  /** First and last day of the month (UTC), inclusive. */
  period: { from: string; to: string };
  /** The month's end plus the grace period: when the invoice became final. */
  issuedOn: string;
  currency: string;
  plan: Plan;
  clicks: InvoiceClicks;
  lines: InvoiceLine[];
  totalMinor: number;
}

const count = new Intl.NumberFormat('en-US');

/** Minor units as a decimal amount in the currency's own digits: 2900 EUR → `29.00`. */
export function formatMinor(amountMinor: number, currency: string): string {
  const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = amountMinor < 0 ? '-' : '';
  const absolute = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${absolute}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(absolute / scale)}.${String(absolute % scale).padStart(digits, '0')}`;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function buildInvoiceDocument(input: {
  account: Account;
  plan: Plan;
  month: string;
  bounds: { startMs: number; endMs: number };
  graceMs: number;
  clicks: InvoiceClicks;
  adjustments: readonly InvoiceAdjustment[];
}): InvoiceDocument {
  const { plan, clicks } = input;
  const lines: InvoiceLine[] = [
    { kind: 'fee', description: `${plan.name} plan, monthly fee`, forMonth: null, quantity: 1, unitPriceMinor: plan.monthlyFeeMinor, amountMinor: plan.monthlyFeeMinor },
  ];
  for (const tier of tierUsage(plan, clicks.billable)) {
    const range = tier.lastClick === null ? `from ${count.format(tier.firstClick)}` : `${count.format(tier.firstClick)} to ${count.format(tier.lastClick)}`;
    lines.push({
      kind: 'usage',
      description: `Billable clicks ${range} (tier ${tier.tier}) at ${formatMinor(tier.pricePerThousandMinor, plan.currency)} ${plan.currency} per 1,000`,
      forMonth: null,
      quantity: tier.clicks,
      unitPriceMinor: tier.pricePerThousandMinor,
      amountMinor: tier.amountMinor,
    });
  }
  for (const adjustment of input.adjustments) {
    const delta = adjustment.clicks.billable;
    lines.push({
      kind: 'adjustment',
      description: `Adjustment for ${adjustment.forMonth}: ${delta >= 0 ? '+' : '-'}${count.format(Math.abs(delta))} billable clicks counted after that month's invoice was final`,
      forMonth: adjustment.forMonth,
      quantity: delta,
      unitPriceMinor: null,
      amountMinor: adjustment.amountMinor,
    });
  }
  return {
    invoice: `${input.month}-${input.account.id}-v1`,
    accountId: input.account.id,
    accountName: input.account.name,
    month: input.month,
    version: 1,
    status: 'final',
    period: { from: isoDay(input.bounds.startMs), to: isoDay(input.bounds.endMs - 1) },
    issuedOn: isoDay(input.bounds.endMs + input.graceMs),
    currency: plan.currency,
    plan,
    clicks,
    lines,
    totalMinor: lines.reduce((sum, line) => sum + line.amountMinor, 0),
  };
}

export function invoiceJson(document: InvoiceDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per line, then a total row; amounts in minor units, as in the JSON. */
export function invoiceCsv(document: InvoiceDocument): string {
  const rows: (string | number | null)[][] = [['line', 'kind', 'description', 'for_month', 'quantity', 'unit_price_minor', 'amount_minor', 'currency']];
  document.lines.forEach((line, index) => rows.push([index + 1, line.kind, line.description, line.forMonth, line.quantity, line.unitPriceMinor, line.amountMinor, document.currency]));
  rows.push(['total', '', `Invoice ${document.invoice}`, '', '', '', document.totalMinor, document.currency]);
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export function invoiceHtml(document: InvoiceDocument): string {
  const money = (minor: number) => `${formatMinor(minor, document.currency)} ${document.currency}`;
  const rows = document.lines.map((line, index) =>
    `<tr data-line="${index + 1}" data-kind="${line.kind}" data-amount-minor="${line.amountMinor}"><td>${escapeHtml(line.description)}</td><td style="text-align:right">${count.format(line.quantity)}</td><td style="text-align:right">${escapeHtml(money(line.amountMinor))}</td></tr>`);
  const { clicks } = document;
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>Invoice ${escapeHtml(document.invoice)}</title></head><body style="font-family:sans-serif">`,
    `<h1>Invoice ${escapeHtml(document.invoice)}</h1>`,
    `<p>${escapeHtml(document.accountName)} (${escapeHtml(document.accountId)})<br>Period ${document.period.from} to ${document.period.to} (UTC), issued ${document.issuedOn}, ${document.status}</p>`,
    `<p>Clicks: ${count.format(clicks.total)} received, ${count.format(clicks.duplicate)} duplicate, ${count.format(clicks.bot)} bot, ${count.format(clicks.suspicious)} suspicious, <strong data-billable="${clicks.billable}">${count.format(clicks.billable)} billable</strong></p>`,
    '<table border="1" cellpadding="4" style="border-collapse:collapse">',
    '<thead><tr><th>Description</th><th>Quantity</th><th>Amount</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody>`,
    `<tfoot><tr data-total-minor="${document.totalMinor}"><th colspan="2">Total</th><th style="text-align:right">${escapeHtml(money(document.totalMinor))}</th></tr></tfoot>`,
    '</table>',
    '</body></html>',
    '',
  ].join('\n');
}
