// Civil dates from day numbers (days since 1970-01-01) by integer arithmetic (Howard Hinnant's
// days_from_civil inverse), so bucketing millions of events by day or month never touches Date.

export const dayMs = 86_400_000;
export const minuteMs = 60_000;

export interface CivilDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const two = (value: number): string => (value < 10 ? `0${value}` : String(value));

/** `YYYY-MM-DD` of a day number. */
export function formatDay(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${year}-${two(month)}-${two(day)}`;
}

/** `YYYY-MM-DDTHH:MMZ` of a minute number (minutes since the epoch, UTC). */
export function formatMinute(minute: number): string {
  const days = Math.floor(minute / 1440);
  const inDay = minute - days * 1440;
  return `${formatDay(days)}T${two(Math.floor(inDay / 60))}:${two(inDay % 60)}Z`;
}

/** Months since year 0 (year × 12 + month − 1) of a day number. */
export function monthOfDay(days: number): number {
  const { year, month } = civilFromDays(days);
  return year * 12 + month - 1;
}

/** `YYYY-MM` of a month number from {@link monthOfDay}. */
export function formatMonth(monthNumber: number): string {
  return `${Math.floor(monthNumber / 12)}-${two((monthNumber % 12) + 1)}`;
}
