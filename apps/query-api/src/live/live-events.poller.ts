import {
  type AnalyticsEvent,
  errorMessage,
  type Logger,
  type Service,
  type TailPage,
  type TailPosition,
  type TailReadOptions,
  toEventView,
} from "@trading-analytics/core";
import { type LiveEventFilter, matchesLiveFilter, wantedEventTypes } from "./live-event-filter";

/** What the poller needs of EventsTailReader. */
export interface EventsTail {
  horizon(): Promise<bigint>;
  read(from: TailPosition, options: TailReadOptions): Promise<TailPage>;
}

/** One connected client, as the poller sees it. */
export interface LiveSubscriber {
  filter: LiveEventFilter;
  /** Called for each matching event, in write order; `json` is the event's view, encoded once for all clients. */
  deliver(event: AnalyticsEvent, json: string): void;
  /** The poller is shutting down: end the connection. */
  close(): void;
}

export interface LiveSubscription {
  /** Settles once every event whose transaction commits from now on will be delivered. */
  ready: Promise<void>;
  unsubscribe(): void;
}

export interface LiveEventsPollerOptions {
  intervalMs?: number;
  /** Most events one read returns; a full page is followed by another read at once. */
  pageSize?: number;
  logger: Logger;
}

/**
 * One poller per process for every live client: it reads newly stored events by write_xid
 * (from the horizon when the first client arrives) and hands each to the clients whose filter
 * matches. It polls only while a client is connected, and reads only the types someone wants.
 */
export class LiveEventsPoller implements Service {
  readonly id = "live-events";
  private readonly subscribers = new Set<LiveSubscriber>();
  private readonly intervalMs: number;
  private readonly pageSize: number;
  private readonly logger: Logger;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private ready: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly tail: EventsTail,
    options: LiveEventsPollerOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.pageSize = options.pageSize ?? 1000;
    this.logger = options.logger;
  }

  /** Polls only once a client connects. */
  start(): void {}

  /** Ends every open stream: before the HTTP server closes, or closing it would wait for them. */
  stop(): Promise<void> {
    return this.close();
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** True while a poll loop runs (some client is connected). */
  get polling(): boolean {
    return this.running;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Throws once close() has been called. */
  subscribe(subscriber: LiveSubscriber): LiveSubscription {
    if (this.closed) throw new Error("live events poller is closed");
    this.subscribers.add(subscriber);
    if (!this.running) this.startLoop();
    return {
      ready: this.ready,
      unsubscribe: () => {
        this.subscribers.delete(subscriber);
        if (this.subscribers.size === 0) this.wake?.();
      },
    };
  }

  /** Stops polling and ends every client's connection; resolves once an in-flight read is done. */
  async close(): Promise<void> {
    this.closed = true;
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    this.wake?.();
    for (const subscriber of subscribers) subscriber.close();
    await this.loop;
  }

  private startLoop(): void {
    this.running = true;
    let positioned!: () => void;
    this.ready = new Promise((resolve) => (positioned = resolve));
    this.loop = this.run(positioned);
  }

  private async run(positioned: () => void): Promise<void> {
    let position: TailPosition | undefined;
    let failing = false;
    // `running` is cleared in the same synchronous step as the last check, so a subscribe()
    // either sees this loop running (and is served by it) or starts the next one.
    while (!this.closed && this.subscribers.size > 0) {
      let more = false;
      try {
        if (!position) {
          position = { xid: await this.tail.horizon() };
          positioned();
        } else {
          const page = await this.tail.read(position, { limit: this.pageSize, eventTypes: wantedEventTypes(this.filters()) });
          this.fanOut(page.events);
          position = page.next;
          more = page.more;
        }
        if (failing) this.logger.info("live events poll recovered");
        failing = false;
      } catch (error) {
        // Logged once per outage, not every poll; clients keep their connections and catch up after.
        if (!failing) this.logger.warn("live events poll failed", { error: errorMessage(error) });
        failing = true;
      }
      if (!more && !this.closed && this.subscribers.size > 0) await this.sleep(this.intervalMs);
    }
    this.running = false;
    positioned(); // a closed poller has nothing to wait for
  }

  private *filters(): Iterable<LiveEventFilter> {
    for (const subscriber of this.subscribers) yield subscriber.filter;
  }

  private fanOut(events: readonly AnalyticsEvent[]): void {
    for (const event of events) {
      let json: string | undefined;
      // A subscriber may unsubscribe while being delivered to (overflow); Set iteration allows it.
      for (const subscriber of this.subscribers) {
        if (!matchesLiveFilter(subscriber.filter, event)) continue;
        json ??= JSON.stringify(toEventView(event));
        subscriber.deliver(event, json);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
