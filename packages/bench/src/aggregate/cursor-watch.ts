// Samples the aggregation cursor (aggregation_cursors.next_xid) every few milliseconds: every
// event with write_xid below it is in the rollups, so the first sample past a batch's
// write_xid is when that batch became visible in the rollups.
import type { Sql } from "@trading-analytics/core";
import { sleep } from "../shared/timing";

export interface CursorSample {
  atMs: number;
  nextXid: bigint;
}

export class CursorWatch {
  private readonly samples: CursorSample[] = [];
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly sql: Sql,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  /** Stops sampling once the cursor passes `xid` or after `timeoutMs`. */
  async stopAfterPassing(xid: bigint, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !(this.latest() > xid)) await sleep(this.everyMs);
    this.running = false;
    await this.loop;
  }

  /** When the cursor first passed `xid`; undefined if it never did while watched. */
  passedAt(xid: bigint): number | undefined {
    return this.samples.find((sample) => sample.nextXid > xid)?.atMs;
  }

  private latest(): bigint {
    return this.samples[this.samples.length - 1]?.nextXid ?? 0n;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const [row] = await this.sql<{ next_xid: string }[]>`select next_xid::text as next_xid from aggregation_cursors where name = 'rollups'`;
      const nextXid = BigInt(row!.next_xid);
      if (nextXid !== this.latest() || this.samples.length === 0) this.samples.push({ atMs: Date.now(), nextXid });
      await sleep(this.everyMs);
    }
  }
}
