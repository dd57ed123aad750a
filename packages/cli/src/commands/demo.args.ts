import { durationOption, integerOption, parseOptions, positiveNumberOption, stringOption } from "../args";
import { EXIT_CODES_HELP, UsageError } from "../cli-errors";
import type { Help } from "../command";

export type DemoCommand =
  | { kind: "demo"; rate: number; events: number | undefined; durationMs: number | undefined; seed: number | undefined; topic: string | undefined };

export const DEMO_USAGE = `Usage: analytics demo [--rate N] [--events N | --duration D] [--seed N] [--topic NAME]

Produces realistic trading traffic to Kafka: orders whose fills, cancels and rejects follow
their placement, market ticks on a random walk, strategy signals, positions, balances and user
sessions. Each event goes to its type's topic (order.* to order.events, market.data.update to
market.data, user actions to user.actions, the rest to trading.events) keyed so that related
events share a partition. Without --events or --duration it runs until Ctrl-C.

  --rate N       events per second (default 200)
  --events N     stop after N events
  --duration D   stop after D (30s, 5m, 1h); with --events, whichever comes first
  --seed N       the generator's seed: one seed, one sequence of events (default: the clock)
  --topic NAME   send every event to this one topic instead

${EXIT_CODES_HELP}`;

const MAX_RATE = 1_000_000;

export function parseDemoCommand(argv: readonly string[]): DemoCommand | Help {
  const { values, positionals } = parseOptions(
    argv,
    DEMO_USAGE,
    { rate: { type: "string" }, events: { type: "string" }, duration: { type: "string" }, seed: { type: "string" }, topic: { type: "string" } },
    true,
  );
  if (values.help) return { kind: "help", text: DEMO_USAGE };
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`, DEMO_USAGE);
  const rate = positiveNumberOption(stringOption(values, "rate"), "rate", DEMO_USAGE) ?? 200;
  if (rate > MAX_RATE) throw new UsageError(`--rate: at most ${MAX_RATE} events per second`, DEMO_USAGE);
  const topic = stringOption(values, "topic");
  if (topic !== undefined && topic.trim() === "") throw new UsageError("--topic: a topic name", DEMO_USAGE);
  return {
    kind: "demo",
    rate,
    events: integerOption(stringOption(values, "events"), "events", DEMO_USAGE, 1),
    durationMs: durationOption(stringOption(values, "duration"), "duration", DEMO_USAGE),
    seed: integerOption(stringOption(values, "seed"), "seed", DEMO_USAGE, 0, 2 ** 32 - 1),
    topic,
  };
}

/** Events the run is expected to send, for the progress bar; undefined when it runs until stopped. */
export function expectedEvents(command: DemoCommand): number | undefined {
  const byDuration = command.durationMs === undefined ? undefined : Math.max(1, Math.round((command.rate * command.durationMs) / 1000));
  if (command.events === undefined) return byDuration;
  return byDuration === undefined ? command.events : Math.min(command.events, byDuration);
}
