/** One broken promise found by the fuzzer, with what is needed to replay it. */
export interface FuzzFailure {
  channel: string;
  /** Index of the case within its channel (replay: same FUZZ_SEED and FUZZ_RUNS). */
  index: number;
  problem: string;
  /** The start of what was sent, printable. */
  payload: string;
}

const increment = <K>(map: Map<K, number>, key: K, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Counts of one fuzz run: cases and answers per channel, Kafka outcomes, failures. */
export class FuzzTally {
  readonly cases = new Map<string, number>();
  /** HTTP status (or "no response") by channel. */
  readonly statuses = new Map<string, Map<string, number>>();
  /** Kafka messages by outcome: "stored", or "dead-lettered: <reason>". */
  readonly kafkaOutcomes = new Map<string, number>();
  readonly failures: FuzzFailure[] = [];
  /** Events answered 202 over HTTP, and how many of them reached PostgreSQL. */
  httpAccepted = 0;
  httpArrived = 0;
  /** Whether an ordinary event posted after the fuzz reached its rollup in time (null: not checked). */
  pipelineLiveAfter: boolean | null = null;
  /** How long that took, when it did. */
  freshnessMs: number | null = null;
  /** Parts that stopped making progress: stuck partitions, a frozen aggregator, an exited process. */
  stalls = 0;

  recordHttp(channel: string, status: number | "no response"): void {
    increment(this.cases, channel);
    const byStatus = this.statuses.get(channel) ?? new Map<string, number>();
    increment(byStatus, String(status));
    this.statuses.set(channel, byStatus);
  }

  recordKafkaCases(channel: string, count: number): void {
    increment(this.cases, channel, count);
  }

  /** Raw Kafka messages by the codec their batch was compressed with. */
  readonly compressed = new Map<string, number>();

  recordCompression(codec: string, count: number): void {
    increment(this.compressed, codec, count);
  }

  recordKafkaOutcome(outcome: string): void {
    increment(this.kafkaOutcomes, outcome);
  }

  fail(failure: FuzzFailure): void {
    this.failures.push(failure);
  }

  get totalCases(): number {
    return [...this.cases.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Answers with a 5xx status over every HTTP channel. */
  get fiveXx(): number {
    let total = 0;
    for (const byStatus of this.statuses.values()) for (const [status, n] of byStatus) if (/^5\d\d$/.test(status)) total += n;
    return total;
  }
}

/** Short, printable form of a payload for a failure line (control characters and non-UTF-8 escaped). */
export function preview(bytes: Buffer | string | null | undefined, max = 300): string {
  if (bytes === null || bytes === undefined) return "(none)";
  const text = typeof bytes === "string" ? bytes : bytes.subarray(0, max * 2).toString("latin1");
  const shown = JSON.stringify(text.slice(0, max));
  const size = typeof bytes === "string" ? Buffer.byteLength(bytes) : bytes.length;
  return size > max ? `${shown}… (${size} bytes)` : shown;
}
