import type { Logger } from "./logger";
import { errorMessage } from "./errors";

type Handler = () => Promise<void> | void;

/**
 * Runs registered handlers in registration order on SIGTERM/SIGINT (register in the order
 * work should stop: stop taking work, drain, flush, close clients), then exits: 0 when every
 * handler finished in time, 1 otherwise. A second signal exits at once.
 */
export class GracefulShutdown {
  private readonly handlers: { name: string; run: Handler }[] = [];
  private started: Promise<boolean> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  register(name: string, run: Handler): void {
    this.handlers.push({ name, run });
  }

  listen(signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): void {
    for (const signal of signals) {
      process.on(signal, () => {
        if (this.started) {
          this.logger.warn("second signal, exiting now", { signal });
          this.exit(1);
          return;
        }
        this.logger.info("shutting down", { signal });
        void this.shutdown().then((ok) => this.exit(ok ? 0 : 1));
      });
    }
  }

  /** True once a signal or a call has begun the shutdown. */
  get isShuttingDown(): boolean {
    return this.started !== undefined;
  }

  /** Runs every handler once; resolves true when all finished without error before the deadline. */
  shutdown(): Promise<boolean> {
    this.started ??= this.runHandlers();
    return this.started;
  }

  private async runHandlers(): Promise<boolean> {
    let ok = true;
    const deadline = Date.now() + this.timeoutMs;
    for (const handler of this.handlers) {
      const remaining = Math.max(0, deadline - Date.now());
      try {
        await withTimeout(Promise.resolve().then(handler.run), remaining, handler.name);
      } catch (error) {
        ok = false;
        this.logger.error("shutdown step failed", { step: handler.name, error: errorMessage(error) });
      }
    }
    return ok;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not finish within the shutdown timeout`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
