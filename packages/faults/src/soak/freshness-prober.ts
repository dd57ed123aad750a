import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import type { SoakProducer } from "./soak-producer";
import type { FreshnessProbe } from "./soak-verdicts";

export const PROBE_TYPE = "soak.probe";
const POLL_MS = 100;

/**
 * Freshness as a dashboard sees it: one probe event at a time, timed from its send until the
 * 1m rollup counts it (`events.count.soak.probe`, overall row), read straight from PostgreSQL.
 */
export class FreshnessProber {
  readonly probes: FreshnessProbe[] = [];
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly producer: SoakProducer,
    private readonly sql: Sql,
    private readonly everyMs: number,
    private readonly timeoutMs = 60_000,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async counted(): Promise<number> {
    const [row] = await this.sql<Array<{ n: string }>>`
      select coalesce(sum(count), 0)::text as n from metric_rollups
      where metric_name = ${`events.count.${PROBE_TYPE}`} and interval = '1m' and dimension = ''`;
    return Number(row!.n);
  }

  private async run(): Promise<void> {
    while (this.running) {
      const began = Date.now();
      const before = await this.counted();
      const sentAt = Date.now();
      await this.producer.sendOne({
        key: "soak-probe",
        value: JSON.stringify({ event_id: randomUUID(), event_type: PROBE_TYPE, user_id: "soak", properties: { n: this.probes.length }, timestamp: new Date(sentAt).toISOString() }),
      });
      let visibleAt: number | undefined;
      while (Date.now() - sentAt < this.timeoutMs) {
        if ((await this.counted()) > before) {
          visibleAt = Date.now();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      this.probes.push({ sentAt, visibleAt });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, this.everyMs - (Date.now() - began))));
    }
  }
}
