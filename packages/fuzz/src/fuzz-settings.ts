import { HTTP_CHANNELS } from "./generators/http-cases";

export const KAFKA_CHANNEL = "Kafka raw message";

export interface FuzzSettings {
  /** fast-check seed: printed at start; FUZZ_SEED replays a run (FUZZ_SEED=random draws one). */
  seed: number;
  /** Cases over every channel together (FUZZ_RUNS). */
  runs: number;
}

/** The short profile that runs with every `pnpm test`; `pnpm test:fuzz` asks for 10,000. */
export const DEFAULT_RUNS = 1_000;
/** Fixed, so that CI and a plain `pnpm test:fuzz` replay the same cases; FUZZ_SEED explores others. */
export const DEFAULT_SEED = 20_251_003;

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seed = env.FUZZ_SEED === "random" ? Math.floor(Math.random() * 2 ** 31) : env.FUZZ_SEED ? Number(env.FUZZ_SEED) : DEFAULT_SEED;
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : DEFAULT_RUNS;
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got ${env.FUZZ_SEED}`);
  if (!Number.isSafeInteger(runs) || runs < 10) throw new Error(`FUZZ_RUNS must be an integer of at least 10, got ${env.FUZZ_RUNS}`);
  return { seed, runs };
}

/** Share of the cases each channel gets: posts most (they reach Kafka and PostgreSQL), then Kafka, then queries. */
const SHARES: Record<string, number> = {
  "POST /api/v1/custom-events": 4,
  "POST /api/v1/events": 30,
  "POST /api/v1/events/batch": 10,
  "GET /api/v1/events": 9,
  "GET /api/v1/metrics": 6,
  "GET /api/v1/events/stats": 6,
  "GET /api/v1/custom-events": 4,
  [KAFKA_CHANNEL]: 31,
};

/** Cases per channel, adding up to exactly `runs`. */
export function casesPerChannel(runs: number): Map<string, number> {
  const channels = [...HTTP_CHANNELS, KAFKA_CHANNEL];
  const total = channels.reduce((sum, channel) => sum + SHARES[channel]!, 0);
  const counts = new Map(channels.map((channel) => [channel, Math.floor((runs * SHARES[channel]!) / total)]));
  const missing = runs - [...counts.values()].reduce((sum, n) => sum + n, 0);
  counts.set(KAFKA_CHANNEL, counts.get(KAFKA_CHANNEL)! + missing);
  return counts;
}
