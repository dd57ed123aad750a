/** The part of a writable (an http.ServerResponse) an SSE connection writes to. */
export interface SseSink {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
}

export interface SseConnectionOptions {
  heartbeatMs: number;
  /** Bytes a client may leave unread before it is dropped with `event: overflow`. */
  maxBufferedBytes: number;
  /** How long a dropped client gets to read the overflow notice before its socket is cut. */
  overflowGraceMs?: number;
  /** Called once when this connection ends itself (overflow), so it stops being fed. */
  onOverflow?: () => void;
}

/**
 * Server-Sent Events framing over one response, with a heartbeat comment to keep proxies from
 * timing the connection out. The response's own buffer is the client's queue: once more than
 * maxBufferedBytes sit unsent, the client is too slow to follow the stream and is dropped,
 * which keeps the memory each client can pin bounded.
 */
export class SseConnection {
  private readonly heartbeat: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly sink: SseSink,
    private readonly options: SseConnectionOptions,
  ) {
    this.heartbeat = setInterval(() => this.push(": heartbeat\n\n"), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  comment(text: string): void {
    this.push(`: ${text}\n\n`);
  }

  /** `data` must be one line (JSON.stringify output is). */
  event(type: string, id: string, data: string): void {
    this.push(`event: ${type}\nid: ${id}\ndata: ${data}\n\n`);
  }

  /** Ends the stream after what is already queued. */
  end(): void {
    if (this.ended) return;
    this.dispose();
    if (!this.sink.writableEnded && !this.sink.destroyed) this.sink.end();
  }

  /** Stops the timers; call when the response closes. */
  dispose(): void {
    this.ended = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.graceTimer);
  }

  private push(frame: string): void {
    if (this.ended || this.sink.destroyed) return;
    if (this.sink.writableLength > this.options.maxBufferedBytes) {
      this.overflow();
      return;
    }
    this.sink.write(frame);
  }

  private overflow(): void {
    const notice = JSON.stringify({ reason: "client too slow", max_buffered_bytes: this.options.maxBufferedBytes });
    this.sink.write(`event: overflow\ndata: ${notice}\n\n`);
    this.end();
    this.options.onOverflow?.();
    // A client that reads nothing more would keep the queued bytes forever.
    this.graceTimer = setTimeout(() => {
      if (!this.sink.writableFinished && !this.sink.destroyed) this.sink.destroy();
    }, this.options.overflowGraceMs ?? 5000);
    this.graceTimer.unref();
  }
}
