import { Gauge, type Registry } from "prom-client";
import type { Service } from "../service/service";
import type { Logger } from "../logger";
import type { RedisClient } from "../redis/redis-client";
import { customEventsChangedChannel } from "../redis/redis-keys";
import type { CustomEventDefinitionsRepository } from "../repository/custom-event-definitions.repository";
import { EventTypeValidator, type UnknownTypePolicy } from "./event-type-validator";
import { errorMessage } from "../errors";
import { backoffDelay } from "../backoff";

export interface EventTypesWatcherOptions {
  refreshMs: number;
  unknownTypes: UnknownTypePolicy;
  redisKeyPrefix: string;
  /** Name every bad field (the HTTP API) rather than the first (the ingester). */
  allErrors?: boolean;
  /** Where to export how many active definitions are unusable. */
  registry?: Registry;
}

/** analytics_custom_event_definitions_unusable, read from `unusable` at each scrape. */
export function registerUnusableDefinitionsGauge(registry: Registry, unusable: () => number): void {
  new Gauge({
    name: "analytics_custom_event_definitions_unusable",
    help: "Active custom event definitions that cannot be used (refused by the schema check or ajv); their events are refused",
    registers: [registry],
    collect() {
      this.set(unusable());
    },
  });
}

/**
 * Keeps the current EventTypeValidator (of the ingester or the HTTP API) in step with the active custom definitions: a cheap
 * fingerprint poll catches every change, and a Redis notification (best effort) makes it
 * immediate. Definitions are compiled once per change, never per event.
 */
export class EventTypesWatcher implements Service {
  readonly id = "definitions";
  private validator: EventTypeValidator;
  private fingerprint = "";
  private timer: NodeJS.Timeout | undefined;
  private subscriber: RedisClient | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly definitions: CustomEventDefinitionsRepository,
    private readonly redis: RedisClient | undefined,
    private readonly options: EventTypesWatcherOptions,
    private readonly logger: Logger,
  ) {
    this.validator = new EventTypeValidator([], options.unknownTypes, { allErrors: options.allErrors });
    if (options.registry) registerUnusableDefinitionsGauge(options.registry, () => this.validator.problems.length);
  }

  get current(): EventTypeValidator {
    return this.validator;
  }

  /** Loads the definitions (retrying: custom types must never be judged without them), then watches. */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return; // a shutdown during start-up: stop retrying
      try {
        await this.refresh();
        break;
      } catch (error) {
        this.logger.warn("cannot load custom event definitions yet", { error: errorMessage(error), attempt });
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseMs: 200, maxMs: 5000 })));
      }
    }
    if (this.stopped) return;
    this.timer = setInterval(() => void this.refreshQuietly(), this.options.refreshMs);
    this.timer.unref();
    this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    if (this.subscriber?.isOpen) await this.subscriber.quit().catch(() => this.subscriber?.destroy());
  }

  /** Reloads if the active definitions changed; concurrent callers share one reload. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reloadIfChanged().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async reloadIfChanged(): Promise<void> {
    const fingerprint = await this.definitions.fingerprint();
    if (fingerprint === this.fingerprint) return;
    const active = await this.definitions.listActive();
    const next = new EventTypeValidator(active, this.options.unknownTypes, { allErrors: this.options.allErrors });
    // Logged at each change; the gauge keeps the count.
    for (const problem of next.problems) this.logger.warn("custom event definition unusable; set aside", { ...problem });
    this.validator = next;
    this.fingerprint = fingerprint;
    this.logger.info("custom event definitions loaded", { types: next.customTypes });
  }

  private async refreshQuietly(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.logger.warn("custom event definitions refresh failed", { error: errorMessage(error) });
    }
  }

  private subscribe(): void {
    if (!this.redis) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", () => undefined); // the main client already reports Redis trouble
    subscriber
      .connect()
      .then(() => subscriber.subscribe(customEventsChangedChannel(this.options.redisKeyPrefix), () => void this.refreshQuietly()))
      .catch((error: Error) => this.logger.warn("no Redis notifications for definition changes; polling only", { error: error.message }));
  }
}
