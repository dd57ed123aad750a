// Pure: the soak's command line.

export interface SoakArgs {
  minutes: number;
  /** Events/s the stack can ingest at most; measured when not given. */
  maxRate: number | undefined;
  /** Events pre-produced to measure the maximum. */
  backlog: number;
  sampleEverySeconds: number;
  /** Query requests per second, spread over the query kinds. */
  queryRate: number;
}

export const SOAK_USAGE = "usage: pnpm test:soak [--minutes N (10)] [--max-rate EVENTS_PER_S (measured)] [--backlog N (500000)] [--sample-every S (5)] [--query-rate N (8)]";

const FLAGS: Record<string, keyof SoakArgs> = {
  "--minutes": "minutes",
  "--max-rate": "maxRate",
  "--backlog": "backlog",
  "--sample-every": "sampleEverySeconds",
  "--query-rate": "queryRate",
};

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const args: SoakArgs = { minutes: 10, maxRate: undefined, backlog: 500_000, sampleEverySeconds: 5, queryRate: 8 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const key = FLAGS[name];
    if (!key) throw new Error(`unknown argument "${flag}"\n${SOAK_USAGE}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (text === undefined || !(value > 0) || !Number.isFinite(value)) throw new Error(`${name} needs a positive number, got "${text ?? ""}"\n${SOAK_USAGE}`);
    args[key] = value as never;
  }
  return args;
}

/** Half the maximum, rounded down to a multiple of 10 (the producer sends in 100 ms ticks). */
export function soakRate(maxRate: number): number {
  return Math.max(10, Math.floor(maxRate / 2 / 10) * 10);
}
