// Classifies a user agent into device, browser and OS families (ua-parser-js, MIT edition 1.x) and
// a bot flag (isbot, which also knows link-preview fetchers such as Slackbot and facebookexternalhit).
// Parsing costs about 10 µs; user agents repeat heavily, so results are cached in a bounded LRU.
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { GenerationalCache } from '../core/index.js';
import type { DeviceClass } from '../events/index.js';

export interface UserAgentClass {
  device: DeviceClass;
  browser: string;
  os: string;
  bot: boolean;
}

const deviceByParserType: Record<string, DeviceClass> = {
  mobile: 'mobile',
  tablet: 'tablet',
  smarttv: 'tv',
  console: 'console',
  wearable: 'wearable',
  embedded: 'embedded',
};

const familyBytesMax = 32;

function family(name: string | undefined): string {
  if (!name) return '';
  // Families are short class names; cut on a character boundary to stay within the event's bound.
  return name.length <= familyBytesMax ? name : name.slice(0, familyBytesMax);
}

export function classifyUserAgent(userAgent: string): UserAgentClass {
  const bot = userAgent.length > 0 && isbot(userAgent);
  const result = new UAParser(userAgent).getResult();
  const parsedDevice = result.device.type ? deviceByParserType[result.device.type] : undefined;
  // ua-parser leaves desktop browsers without a device type; a known desktop OS says desktop.
  const device: DeviceClass = bot ? 'bot' : (parsedDevice ?? (result.os.name ? 'desktop' : 'unknown'));
  return { device, browser: family(result.browser.name), os: family(result.os.name), bot };
}

/** Slots of the classifier's first-level cache (a power of two). */
const recentSlots = 256;

/**
 * A slot for a user agent from its length and three of its characters: no pass over the whole
 * string. Each line's user agent is a new string, and a Map lookup would first hash all of its
 * hundred-odd characters; comparing with the one candidate in its slot costs one memcmp.
 */
function recentSlot(userAgent: string): number {
  const length = userAgent.length;
  if (length === 0) return 0;
  const mixed = Math.imul(length, 0x9e3779b1) ^ Math.imul(userAgent.charCodeAt(length >> 1), 0x85ebca6b) ^ Math.imul(userAgent.charCodeAt(length - 1), 0xc2b2ae35) ^ userAgent.charCodeAt(length >> 2);
  return (mixed ^ (mixed >>> 15)) & (recentSlots - 1);
}

/**
 * A classifier with a bounded cache of recent user agents: a small direct-mapped first level
 * (see `recentSlot`) in front of a generational cache of `cacheEntries`.
 */
export function createUserAgentClassifier(cacheEntries: number): (userAgent: string) => UserAgentClass {
  const cache = new GenerationalCache<string, UserAgentClass>(cacheEntries);
  const recentAgents = new Array<string | undefined>(recentSlots).fill(undefined);
  const recentClasses = new Array<UserAgentClass | undefined>(recentSlots).fill(undefined);
  return (userAgent) => {
    const slot = recentSlot(userAgent);
    if (recentAgents[slot] === userAgent) return recentClasses[slot]!;
    let result = cache.get(userAgent);
    if (!result) {
      result = classifyUserAgent(userAgent);
      cache.set(userAgent, result);
    }
    recentAgents[slot] = userAgent;
    recentClasses[slot] = result;
    return result;
  };
}
