import { errorMessage } from "./errors";
/** One dependency or component a service needs. */
export interface HealthCheck {
  name: string;
  /** A failing critical check makes the service not ready; others only report "degraded". */
  critical: boolean;
  check(): Promise<void>;
  /**
   * Why this component is gone for good (it will not recover by itself, so the process should be
   * restarted), or undefined while it is alive. Makes liveness fail.
   */
  fatal?(): string | undefined;
}

export interface CheckResult {
  status: "up" | "down";
  latency_ms: number;
  error?: string;
}

export type DependencyConnection = "connected" | "disconnected";

export interface HealthReport {
  status: "healthy" | "degraded" | "unhealthy" | "shutting_down";
  service: string;
  /** The B25 seed's field, from the "database" check; absent where the process has none. */
  database?: DependencyConnection;
  /** The B25 seed's field, from the "redis" check; absent where the process has none. */
  cache?: DependencyConnection;
  timestamp: string;
  checks: Record<string, CheckResult>;
}

const connection = (result: CheckResult | undefined): DependencyConnection | undefined =>
  result === undefined ? undefined : result.status === "up" ? "connected" : "disconnected";

/**
 * Runs health checks with a timeout. Readiness drops as soon as shutdown starts, so load
 * balancers stop sending work while liveness stays green until the process exits.
 */
export class HealthMonitor {
  private shuttingDown = false;
  /** Each check's latest run: shared while in flight, reused for cacheMs after it settles. */
  private readonly latest = new Map<HealthCheck, { result: Promise<CheckResult>; settledAt?: number }>();

  constructor(
    private readonly service: string,
    private readonly checks: HealthCheck[] = [],
    private readonly timeoutMs = 2000,
    /**
     * How long a check's result answers every probe: health routes are public, so a flood of
     * them must not become a flood of PostgreSQL, Redis and Kafka round trips.
     */
    private readonly cacheMs = 1000,
  ) {}

  add(check: HealthCheck): void {
    this.checks.push(check);
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  /** The first component gone for good, as "name: reason"; undefined while every one is alive. */
  fatalReason(): string | undefined {
    for (const check of this.checks) {
      const reason = check.fatal?.();
      if (reason !== undefined) return `${check.name}: ${reason}`;
    }
    return undefined;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async report(): Promise<HealthReport> {
    const results = await Promise.all(this.checks.map((check) => this.latestResult(check)));
    const checks: Record<string, CheckResult> = {};
    let criticalDown = false;
    let anyDown = false;
    this.checks.forEach((check, index) => {
      const result = results[index]!;
      checks[check.name] = result;
      if (result.status === "down") {
        anyDown = true;
        if (check.critical) criticalDown = true;
      }
    });
    const status = this.shuttingDown ? "shutting_down" : criticalDown ? "unhealthy" : anyDown ? "degraded" : "healthy";
    const seedFields: Pick<HealthReport, "database" | "cache"> = {};
    const database = connection(checks.database);
    const cache = connection(checks.redis);
    if (database) seedFields.database = database;
    if (cache) seedFields.cache = cache;
    return { status, service: this.service, ...seedFields, timestamp: new Date().toISOString(), checks };
  }

  /** Ready to take work: not shutting down and every critical check passes. */
  static isReady(report: HealthReport): boolean {
    return report.status === "healthy" || report.status === "degraded";
  }

  /** At most one run of a check in flight, and none again within cacheMs of the last one. */
  private latestResult(check: HealthCheck): Promise<CheckResult> {
    const last = this.latest.get(check);
    if (last && (last.settledAt === undefined || performance.now() - last.settledAt < this.cacheMs)) return last.result;
    const entry: { result: Promise<CheckResult>; settledAt?: number } = { result: this.run(check) };
    void entry.result.then(() => {
      entry.settledAt = performance.now();
    });
    this.latest.set(check, entry);
    return entry.result;
  }

  private async run(check: HealthCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { status: "up", latency_ms: Math.round(performance.now() - started) };
    } catch (error) {
      return { status: "down", latency_ms: Math.round(performance.now() - started), error: errorMessage(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}
