import { describe, expect, it } from 'vitest';
import { smtpSettings } from './batch-jobs.js';

describe('smtpSettings', () => {
  it('reads host, port, TLS and credentials from the URL, with the usual ports by default', () => {
    expect(smtpSettings('')).toEqual({});
    expect(smtpSettings('smtp://mail.example.com')).toEqual({ smtpHost: 'mail.example.com', smtpPort: 587, smtpSecure: false });
    expect(smtpSettings('smtps://digest%40acme:p%3Ass@mail.example.com:2465')).toEqual({
      smtpHost: 'mail.example.com',
      smtpPort: 2465,
      smtpSecure: true,
      smtpUser: 'digest@acme',
      smtpPassword: 'p:ss',
    });
  });

  it('refuses what is not an SMTP URL, naming the setting', () => {
    expect(() => smtpSettings('mail.example.com')).toThrow(/smtpUrl.*not a URL/);
    expect(() => smtpSettings('https://mail.example.com')).toThrow(/smtpUrl.*smtp:\/\/ or smtps:\/\//);
  });
});
