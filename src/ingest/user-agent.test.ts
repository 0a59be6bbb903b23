// Proves user agents are classified into device, browser and OS families and that crawlers and
// link-preview fetchers are flagged as bots.
import { describe, expect, it } from 'vitest';
import { classifyUserAgent, createUserAgentClassifier } from './user-agent.js';

const iphone =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const windowsChrome =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

describe('classifyUserAgent', () => {
  it('classifies phones and desktops', () => {
    expect(classifyUserAgent(iphone)).toEqual({ device: 'mobile', browser: 'Mobile Safari', os: 'iOS', bot: false });
    expect(classifyUserAgent(windowsChrome)).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Windows', bot: false });
  });

  it('flags crawlers and link-preview bots', () => {
    expect(classifyUserAgent('Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)')).toMatchObject({ bot: true, device: 'bot' });
    expect(classifyUserAgent('facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)').bot).toBe(true);
    expect(classifyUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').bot).toBe(true);
  });

  it('says unknown for an empty user agent', () => {
    expect(classifyUserAgent('')).toEqual({ device: 'unknown', browser: '', os: '', bot: false });
  });

  it('caches results', () => {
    const classify = createUserAgentClassifier(10);
    expect(classify(iphone)).toBe(classify(iphone));
  });

  it('tells apart user agents that share a first-level cache slot', () => {
    const classify = createUserAgentClassifier(10);
    // Same length and the same characters where the slot is taken from; one is a crawler.
    const crawler = windowsChrome.slice(0, 13) + 'Googlebot/2.1;' + windowsChrome.slice(27);
    for (let round = 0; round < 3; round++) {
      expect(classify(windowsChrome)).toEqual(classifyUserAgent(windowsChrome));
      expect(classify(crawler)).toEqual(classifyUserAgent(crawler));
    }
    expect(classify(crawler).bot).toBe(true);
  });
});
