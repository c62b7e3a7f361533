import { describe, expect, it } from 'vitest';
import { streamNix } from '../../harness/guests/nixos/nix-tools.ts';

async function readAll(stream: NodeJS.ReadableStream): Promise<{ bytes: number; chunks: number; head: string }> {
  let bytes = 0;
  let chunks = 0;
  let head = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (head.length < 16) head += chunk.toString('utf8').slice(0, 16);
    bytes += chunk.length;
    chunks += 1;
  }
  return { bytes, chunks, head };
}

describe('streamNix (the offline install streams the closure)', () => {
  it('hands over stdout as it comes, in many chunks, and reports the exit and stderr at the end', async () => {
    // 64 MiB: a NAR-sized stream that arrives chunk by chunk instead of as one buffer.
    const { stdout, done } = streamNix('sh', ['-c', 'printf NAR; head -c 67108864 /dev/zero; echo bad >&2; exit 3']);
    const [read, result] = await Promise.all([readAll(stdout), done]);
    expect(read.head.startsWith('NAR')).toBe(true);
    expect(read.bytes).toBe(3 + 64 * 1024 * 1024);
    expect(read.chunks).toBeGreaterThan(100);
    expect(result).toEqual({ exitCode: 3, stderr: 'bad' });
  });
});
