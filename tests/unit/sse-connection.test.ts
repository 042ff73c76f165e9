import { describe, expect, it } from 'vitest';
import { SseConnection, sseMessage, type SseSink } from '../../api/services/sse';

/** A socket that takes nothing: everything written stays buffered, as with a client that never reads. */
function stuckSink() {
  const sink = { chunks: [] as string[], destroyed: false, ended: false, writableLength: 0 };
  const s: SseSink & typeof sink = Object.assign(sink, {
    write(chunk: string) {
      sink.chunks.push(chunk);
      sink.writableLength += Buffer.byteLength(chunk);
      return false;
    },
    end() {
      sink.ended = true;
    },
    destroy() {
      sink.destroyed = true;
    },
  });
  return s;
}

describe('SSE connection buffer bound', () => {
  it('drops a client that does not read once its unread bytes pass the bound, and writes nothing more', () => {
    const sink = stuckSink();
    const closed: string[] = [];
    const conn = new SseConnection(sink, 4096, (why) => closed.push(why));
    const data = { problemId: 1, text: 'x'.repeat(200) };
    let sent = 0;
    while (conn.send('problem', data, sent + 1)) sent++;
    const one = Buffer.byteLength(sseMessage('problem', data, sent + 1));
    expect(sink.destroyed).toBe(true);
    expect(closed).toEqual(['slow']);
    expect(sink.writableLength).toBeLessThanOrEqual(4096 + one);
    expect(conn.isOpen).toBe(false);
    const before = sink.chunks.length;
    expect(conn.send('problem', data, 999)).toBe(false);
    expect(conn.heartbeat()).toBe(false);
    expect(sink.chunks.length).toBe(before);
  });

  it('keeps a client that reads, and ends with a last message', () => {
    const written: string[] = [];
    const sink: SseSink = {
      write: (c) => (written.push(c), true),
      writableLength: 0,
      end: () => written.push('<end>'),
      destroy: () => written.push('<destroy>'),
    };
    const conn = new SseConnection(sink, 100);
    for (let i = 1; i <= 50; i++) expect(conn.send('problem', { i }, i)).toBe(true);
    conn.end({ event: 'end', data: { reason: 'session' } });
    expect(written.at(-2)).toBe('event: end\ndata: {"reason":"session"}\n\n');
    expect(written.at(-1)).toBe('<end>');
    expect(written[0]).toBe('id: 1\nevent: problem\ndata: {"i":1}\n\n');
  });
});
