// Reads and checks a JSON request body for the management routes: bounded size, an object, and
// only known fields of the expected types, so a misspelt field is an error rather than ignored.
import type { Context } from 'hono';
import { badRequest, HttpError } from './http-error.js';

export type FieldType = 'string' | 'boolean' | 'number';

export async function readJsonObject(
  c: Context,
  fields: Record<string, FieldType>,
  bytesMax: number,
): Promise<Record<string, unknown>> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > bytesMax) throw new HttpError(413, 'payload_too_large', `the body is over ${bytesMax} bytes`);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > bytesMax) throw new HttpError(413, 'payload_too_large', `the body is over ${bytesMax} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  const problems: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    const type = fields[name];
    if (!type) problems.push(`${name}: unknown field; known: ${Object.keys(fields).join(', ')}`);
    else if (typeof value !== type) problems.push(`${name}: must be a ${type}`);
  }
  if (problems.length > 0) throw badRequest(problems.join('; '), { problems });
  return body as Record<string, unknown>;
}

export const optionalString = (body: Record<string, unknown>, name: string): string | undefined =>
  typeof body[name] === 'string' ? body[name] : undefined;

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string') throw badRequest(`${name}: required`);
  return value;
}
