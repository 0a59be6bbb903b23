// The visitor's country: from a trusted header set by the operator's edge (e.g. Cloudflare's
// CF-IPCountry), else from an offline GeoIP database (MaxMind MMDB format) when one is
// configured, else unknown (''). A header is believed only when the operator names it.
import maxmind, { type CountryResponse, type Reader } from 'maxmind';

export interface CountryResolver {
  resolve(ip: string, headerValue: string | undefined): string;
}

const countryPattern = /^[A-Z]{2}$/;

/** ISO 3166-1 alpha-2 in upper case, or '' for anything else (CDNs send XX or T1 for unknown/Tor). */
export function normalizeCountry(value: string | undefined): string {
  if (!value) return '';
  const upper = value.trim().toUpperCase();
  return countryPattern.test(upper) && upper !== 'XX' && upper !== 'T1' ? upper : '';
}

export async function createCountryResolver(options: { geoipDatabasePath?: string | undefined }): Promise<CountryResolver> {
  let reader: Reader<CountryResponse> | undefined;
  if (options.geoipDatabasePath) {
    try {
      reader = await maxmind.open<CountryResponse>(options.geoipDatabasePath, { cache: { max: 50_000 } });
    } catch (error) {
      throw new Error(`cannot open the GeoIP database ${options.geoipDatabasePath}: ${(error as Error).message}`, { cause: error });
    }
  }
  return {
    resolve(ip, headerValue) {
      const fromHeader = normalizeCountry(headerValue);
      if (fromHeader || !reader) return fromHeader;
      return normalizeCountry(reader.get(ip)?.country?.iso_code);
    },
  };
}
