// IANA time zones of link owners. The first ones are the awkward cases every owner's "today" and
// "yesterday" must survive: daylight saving on both hemispheres (Berlin, New York, Adelaide),
// half- and quarter-hour offsets (Kolkata +5:30, Adelaide +9:30, Kathmandu +5:45, Chatham
// +12:45/+13:45, St John's -3:30). The world gives them to its first users, so any world of a few
// users contains them.
import type { Weighted } from './catalog-traffic.js';

export const requiredTimeZones: readonly string[] = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Pacific/Chatham',
];

export const ownerTimeZones: readonly Weighted<string>[] = [
  { value: 'America/New_York', weight: 14 },
  { value: 'America/Chicago', weight: 6 },
  { value: 'America/Denver', weight: 2 },
  { value: 'America/Los_Angeles', weight: 9 },
  { value: 'America/St_Johns', weight: 0.5 },
  { value: 'America/Sao_Paulo', weight: 5 },
  { value: 'America/Mexico_City', weight: 3 },
  { value: 'Europe/London', weight: 7 },
  { value: 'Europe/Berlin', weight: 8 },
  { value: 'Europe/Paris', weight: 5 },
  { value: 'Europe/Madrid', weight: 3 },
  { value: 'Africa/Lagos', weight: 2 },
  { value: 'Asia/Tehran', weight: 0.5 },
  { value: 'Asia/Kolkata', weight: 7 },
  { value: 'Asia/Kathmandu', weight: 0.5 },
  { value: 'Asia/Singapore', weight: 3 },
  { value: 'Asia/Shanghai', weight: 4 },
  { value: 'Asia/Tokyo', weight: 5 },
  { value: 'Australia/Adelaide', weight: 1.5 },
  { value: 'Australia/Sydney', weight: 3 },
  { value: 'Pacific/Auckland', weight: 2 },
  { value: 'Pacific/Chatham', weight: 0.3 },
  { value: 'UTC', weight: 2 },
];

