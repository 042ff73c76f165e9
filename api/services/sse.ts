/**
 * One server-sent events connection with a bounded buffer (issue 12: "a client that never reads
 * does not grow server memory without bound"). Node buffers what the socket has not taken yet
 * (`writableLength`); once that passes `maxBuffered` bytes the client is dropped: it resumes
 * from its Last-Event-ID when it reads again and reconnects, and memory held per connection
 * stays below maxBuffered plus one message.
 */
export interface SseSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
  end(): void;
  destroy(): void;
}

export type SseCloseReason = 'slow' | 'ended' | 'gone';

/** One SSE message; `data` is JSON on one line (JSON.stringify escapes newlines). */
export function sseMessage(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class SseConnection {
  private open = true;

  constructor(
    private readonly sink: SseSink,
    private readonly maxBuffered: number,
    private readonly onClose: (why: SseCloseReason) => void = () => {},
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Writes one chunk; false when the connection is (now) closed. */
  write(chunk: string): boolean {
    if (!this.open) return false;
    this.sink.write(chunk);
    if (this.sink.writableLength > this.maxBuffered) {
      this.open = false;
      this.sink.destroy();
      this.onClose('slow');
      return false;
    }
    return true;
  }

  send(event: string, data: unknown, id?: number): boolean {
    return this.write(sseMessage(event, data, id));
  }

  /** A comment line: keeps proxies and the browser from timing the stream out. */
  heartbeat(): boolean {
    return this.write(': hb\n\n');
  }

  /** Ends the stream after an optional last message (the session ended, the server stops). */
  end(last?: { event: string; data: unknown }): void {
    if (!this.open) return;
    if (last) this.write(sseMessage(last.event, last.data));
    if (!this.open) return;
    this.open = false;
    this.sink.end();
    this.onClose('ended');
  }

  /** The client went away. */
  gone(): void {
    if (!this.open) return;
    this.open = false;
    this.onClose('gone');
  }
}
