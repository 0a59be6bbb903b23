// Where clicks come from: visitor countries, referrers, and the pages short links point to.
// Weights are rough shares of global shortener traffic; exactness does not matter, variety does.

export interface Weighted<T> {
  value: T;
  weight: number;
}

/** ISO 3166-1 alpha-2 codes of visitors; '' is a visitor the server could not place. */
export const visitorCountries: readonly Weighted<string>[] = [
  { value: 'US', weight: 24 }, { value: 'IN', weight: 9 }, { value: 'BR', weight: 6 }, { value: 'GB', weight: 5 },
  { value: 'DE', weight: 5 }, { value: 'FR', weight: 4 }, { value: 'JP', weight: 4 }, { value: 'ID', weight: 3 },
  { value: 'MX', weight: 3 }, { value: 'CA', weight: 3 }, { value: 'NG', weight: 2 }, { value: 'PH', weight: 2 },
  { value: 'ES', weight: 2 }, { value: 'IT', weight: 2 }, { value: 'TR', weight: 2 }, { value: 'AU', weight: 2 },
  { value: 'NL', weight: 1.5 }, { value: 'PL', weight: 1.5 }, { value: 'KR', weight: 1.5 }, { value: 'VN', weight: 1.5 },
  { value: 'AR', weight: 1 }, { value: 'ZA', weight: 1 }, { value: 'EG', weight: 1 }, { value: 'PK', weight: 1 },
  { value: 'SE', weight: 0.7 }, { value: 'NZ', weight: 0.4 }, { value: 'NP', weight: 0.3 }, { value: 'IR', weight: 0.3 },
  { value: '', weight: 1.5 },
];

/** Referrers of human clicks; '' (no referrer: apps, e-mail clients, typed links) is the most common. */
export const referrers: readonly Weighted<string>[] = [
  { value: '', weight: 38 },
  { value: 'https://t.co/', weight: 10 },
  { value: 'https://www.google.com/', weight: 8 },
  { value: 'https://l.facebook.com/', weight: 7 },
  { value: 'https://www.linkedin.com/', weight: 5 },
  { value: 'https://l.instagram.com/', weight: 5 },
  { value: 'https://www.reddit.com/', weight: 4 },
  { value: 'https://news.ycombinator.com/', weight: 2 },
  { value: 'https://www.youtube.com/', weight: 4 },
  { value: 'android-app://com.Slack/', weight: 2 },
  { value: 'android-app://com.google.android.gm/', weight: 3 },
  { value: 'https://mail.google.com/', weight: 3 },
  { value: 'https://outlook.live.com/', weight: 2 },
  { value: 'https://www.bing.com/', weight: 1.5 },
  { value: 'https://duckduckgo.com/', weight: 1 },
  { value: 'https://web.whatsapp.com/', weight: 2 },
  { value: 'https://web.telegram.org/', weight: 1 },
  { value: 'https://www.tiktok.com/', weight: 2 },
  { value: 'https://medium.com/', weight: 1 },
  { value: 'https://substack.com/', weight: 1 },
];

/** Sites links point to; each link gets one with its own path. */
export const targetSites: readonly string[] = [
  'https://www.example.com/blog/',
  'https://shop.example.org/products/',
  'https://news.example.net/articles/',
  'https://docs.example.io/guide/',
  'https://events.example.com/tickets/',
  'https://www.example.co.uk/offers/',
  'https://app.example.dev/signup?ref=',
  'https://video.example.tv/watch/',
];
