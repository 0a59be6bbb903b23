// A minimal reader of the digests' MIME (multipart/alternative, quoted-printable parts), for tests.

export interface ParsedMessage {
  headers: Map<string, string>;
  text: string;
  html: string;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

export function decodeQuotedPrintable(body: string): string {
  const joined = body.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

export function parseDigestMessage(raw: string | Buffer): ParsedMessage {
  const text = raw.toString();
  const split = text.indexOf('\r\n\r\n');
  const headers = parseHeaders(text.slice(0, split));
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error('not a multipart message');
  const parts = text.slice(split + 4).split(`--${boundary}`).slice(1, -1);
  const result: ParsedMessage = { headers, text: '', html: '' };
  for (const part of parts) {
    const body = part.replace(/^\r\n/, '');
    const end = body.indexOf('\r\n\r\n');
    const partHeaders = parseHeaders(body.slice(0, end));
    if (partHeaders.get('content-transfer-encoding') !== 'quoted-printable') throw new Error(`unexpected encoding ${partHeaders.get('content-transfer-encoding')}`);
    const content = decodeQuotedPrintable(body.slice(end + 4).replace(/\r\n$/, ''));
    if (partHeaders.get('content-type')?.startsWith('text/plain')) result.text = content;
    if (partHeaders.get('content-type')?.startsWith('text/html')) result.html = content;
  }
  return result;
}
