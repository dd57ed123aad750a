/** One caller's messages and what it waits on. */
interface Pending<T> {
  messages: readonly T[];
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Joins the messages of calls made while a send is in flight into the next send, as the Java
 * and franz-go producers do: with one request in flight (the idempotent producer's rule), N
 * concurrent callers otherwise cost N round trips one after another. Each caller's messages
 * stay together and in order, in one send (or, when larger than maxBytes alone, in consecutive
 * sends of their own); a failed send fails every caller in it.
 */
export class SendCoalescer<T> {
  private readonly queue: Pending<T>[] = [];
  private sending = false;

  constructor(
    private readonly send: (messages: readonly T[]) => Promise<void>,
    private readonly sizeOf: (message: T) => number,
    private readonly maxBytes: number,
  ) {}

  submit(messages: readonly T[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const bytes = messages.reduce((sum, message) => sum + this.sizeOf(message), 0);
    const done = new Promise<void>((resolve, reject) => this.queue.push({ messages, bytes, resolve, reject }));
    if (!this.sending) void this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.queue.length > 0) {
      const taken = this.takeNext();
      try {
        if (taken.length === 1 && taken[0]!.bytes > this.maxBytes) {
          for (const slice of slicesUnder(taken[0]!.messages, this.sizeOf, this.maxBytes)) await this.send(slice);
        } else {
          await this.send(taken.flatMap((pending) => pending.messages));
        }
        for (const pending of taken) pending.resolve();
      } catch (error) {
        for (const pending of taken) pending.reject(error as Error);
      }
    }
    this.sending = false;
  }

  /** The oldest callers whose messages fit in maxBytes together (at least one). */
  private takeNext(): Pending<T>[] {
    let bytes = 0;
    let count = 0;
    for (const pending of this.queue) {
      if (count > 0 && bytes + pending.bytes > this.maxBytes) break;
      bytes += pending.bytes;
      count += 1;
    }
    return this.queue.splice(0, count);
  }
}

/** Consecutive slices whose sizes add up to at most maxBytes each (a larger message goes alone). */
export function slicesUnder<T>(messages: readonly T[], sizeOf: (message: T) => number, maxBytes: number): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
