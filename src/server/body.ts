import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * Reads a JSON request body of at most `limit` bytes. Compressed bodies are refused outright: the Bot
 * Connector never sends them, and a decompressed size cannot be bounded before it is read (gzip bombs).
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return { ok: false, status: 415, message: 'Compressed request bodies are not accepted' };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return tooLarge(limit);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return tooLarge(limit);
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid JSON' };
  }
}

function tooLarge(limit: number): BodyResult {
  return { ok: false, status: 413, message: `The request body is larger than ${Math.round(limit / 1024)} KB` };
}
