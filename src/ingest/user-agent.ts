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

/** A classifier with a bounded cache of recent user agents. */
export function createUserAgentClassifier(cacheEntries: number): (userAgent: string) => UserAgentClass {
  const cache = new GenerationalCache<string, UserAgentClass>(cacheEntries);
  return (userAgent) => {
    let result = cache.get(userAgent);
    if (!result) {
      result = classifyUserAgent(userAgent);
      cache.set(userAgent, result);
    }
    return result;
  };
}
