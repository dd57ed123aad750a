#!/usr/bin/env node
// `pnpm test:faults [--long]`: the whole stack on private servers under a continuous producer
// while faults are injected one after another; afterwards a by-id reconciliation. Prints a
// table per fault, writes reports/reliability.md and ends with `RESULT {json}`.
import { rmSync } from "node:fs";
import postgres from "postgres";
import { AppFleet } from "./app-fleet";
import { betweenCommitsShortfalls, betweenCommitsTotal } from "./between-commits";
import { auditRollups, deadLetterKeys, storedCounts, storedTotal } from "./checker";
import { EventProducer } from "./event-producer";
import { PrivateStack } from "./private-stack";
import { lostPerFault, type ProgressSample, reconcile } from "./reconcile";
import { latestFuzzResult, updateReliabilityReport } from "./reliability-report";
import { type FaultOutcome, faultRows, faultTable, figuresLine } from "./report";
import { type FaultContext, type Profile, SCENARIOS } from "./scenarios";
import { sleep } from "./scenarios/scenario";

const RATE_PER_SECOND = 100;
const RECOVERY_WAIT_MS = 90_000;

const log = (message: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(500);
  }
  return false;
}

async function main(): Promise<void> {
  const profile: Profile = process.argv.includes("--long") || process.env.FAULTS_PROFILE === "long" ? "long" : "short";
  const only = process.env.FAULTS_ONLY?.split(",");
  const scenarios = SCENARIOS.filter((scenario) => !only || only.some((name) => scenario.name.toLowerCase().includes(name.toLowerCase())));
  const began = Date.now();
  const stack = new PrivateStack();
  log(`profile ${profile}; private stack in ${stack.dataDir} (Kafka ${stack.kafkaBrokers}, PostgreSQL ${stack.ports.postgres}, Redis ${stack.ports.redis})`);
  const fleet = new AppFleet(stack);
  const sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => undefined, connect_timeout: 3 });
  let producer: EventProducer | undefined;
  let sampling = true;
  const samples: ProgressSample[] = [];
  try {
    await stack.start();
    log("private stack up, schema migrated");
    await Promise.all([fleet.addIngester(), fleet.addIngester(), fleet.startAggregator()]);
    log("2 ingester replicas and the aggregator ready");
    producer = new EventProducer(stack.kafkaBrokers, RATE_PER_SECOND);
    await producer.start();
    const sampler = (async () => {
      while (sampling) {
        const acked = producer!.produced.length;
        const stored = await storedTotal(sql).catch(() => undefined);
        if (stored !== undefined) samples.push({ at: Date.now(), acked, stored });
        await sleep(500);
      }
    })();
    await sleep(5_000);

    const outcomes: FaultOutcome[] = [];
    const context: FaultContext = { stack, fleet, profile, log };
    for (const scenario of scenarios) {
      log(`fault: ${scenario.name}`);
      const startedAt = Date.now();
      const figures = await scenario.inject(context);
      const endedAt = Date.now();
      const ackedAtEnd = producer.produced.length;
      outcomes.push({ name: scenario.name, startedAt, endedAt, ackedAtEnd, ...(figures ? { figures } : {}) });
      const caughtUp = await waitUntil(async () => (await storedTotal(sql)) >= ackedAtEnd, RECOVERY_WAIT_MS);
      log(`${scenario.name}: ${caughtUp ? `caught up after ${((Date.now() - endedAt) / 1000).toFixed(1)} s` : "NOT caught up"}`);
      await sleep(2_000);
    }

    await producer.stop();
    const produced = producer.produced;
    log(`producer stopped: ${produced.length} valid, ${producer.invalid.length} invalid acknowledged`);
    await waitUntil(async () => (await storedTotal(sql)) >= produced.length, RECOVERY_WAIT_MS);
    await sleep(3_000); // late re-deliveries (duplicates) would land now
    sampling = false;
    await sampler;

    let audit = await auditRollups(sql);
    const auditDeadline = Date.now() + 60_000;
    while (audit.mismatches.length > 0 && Date.now() < auditDeadline) {
      await sleep(2_000);
      audit = await auditRollups(sql);
    }
    const counts = await storedCounts(sql);
    const letters = await deadLetterKeys(stack.kafkaBrokers, "analytics.dead-letter");
    const result = reconcile(produced, counts, producer.invalid.map((event) => event.id), letters);
    const rows = faultRows(outcomes, produced, producer.invalid, counts, new Set(letters), samples, fleet.crashes.map((crash) => crash.at));
    const table = faultTable(rows);
    const lostByFault = lostPerFault(produced, result.lost, outcomes);
    const durationS = Math.round((Date.now() - began) / 1000);
    const fuzz = latestFuzzResult();
    const betweenCommits = betweenCommitsTotal(rows);
    // An armed ingester that never fired was killed at random instead: the instant went untested.
    const shortfalls = betweenCommitsShortfalls(rows);

    const totals = {
      at: new Date().toISOString(),
      profile,
      produced: result.produced,
      stored: result.stored,
      lost: result.lost.length,
      duplicated: result.duplicated.length,
      rollup_mismatches: audit.mismatches.length,
      rollup_rows_compared: audit.rowsCompared,
      invalid_produced: producer.invalid.length,
      dead_lettered: result.deadLettered,
      invalid_not_dead_lettered: result.invalidMissing.length,
      valid_dead_lettered: result.wronglyDeadLettered.length,
      dead_letter_repeats: result.deadLetterRepeats.length,
      unexpected_stored: result.unexpected.length,
      crashes: fleet.crashes.length,
      kills_planned_between_commits: betweenCommits.planned,
      kills_between_db_and_kafka_commit: betweenCommits.happened,
      // From the latest `pnpm test:fuzz` (reports/fuzz.md), so this line carries every total the issue names.
      fuzz_cases: fuzz?.fuzz_cases ?? null,
      fuzz_5xx: fuzz?.fuzz_5xx ?? null,
      worst_recovery_s: Math.max(...rows.map((row) => (row.recoveryMs ?? Infinity) / 1000)),
      duration_s: durationS,
      faults: rows.map((row) => ({ ...row, recovery_s: row.recoveryMs === undefined ? null : row.recoveryMs / 1000 })),
    };
    const details = [
      ...shortfalls.map((line) => `- FAILED: ${line}`),
      `- lost ids (first 10): ${JSON.stringify(result.lost.slice(0, 10))}; per fault window: ${JSON.stringify(Object.fromEntries(lostByFault))}`,
      `- duplicated ids (first 10): ${JSON.stringify(result.duplicated.slice(0, 10))}`,
      `- stored ids never produced: ${result.unexpected.length}`,
      `- invalid messages: ${producer.invalid.length} produced, ${result.deadLettered} dead-lettered, missing ${JSON.stringify(result.invalidMissing.slice(0, 10))}, valid keys dead-lettered ${JSON.stringify(result.wronglyDeadLettered.slice(0, 10))}, dead-lettered more than once ${result.deadLetterRepeats.length}`,
      `- rollups: ${audit.rowsCompared} rows compared with exact SQL, ${audit.mismatches.length} mismatches${audit.mismatches.length > 0 ? ` (first: ${JSON.stringify(audit.mismatches[0])})` : ""}`,
      ...outcomes.filter((outcome) => outcome.figures).map((outcome) => `- ${figuresLine(outcome.name, outcome.figures!)}`),
      ...fleet.hookKills.map((kill) => `  - hook kill pid ${kill.pid ?? "(before ready)"}: \`${kill.announcement}\``),
      `- producer send errors retried: ${producer.sendErrors.length}`,
      `- processes that exited on their own (restarted by the suite as a supervisor would): ${fleet.crashes.length}`,
      ...fleet.crashes.map((crash) => `  - ${crash.name} pid ${crash.pid} at ${new Date(crash.at).toISOString()}, exit ${crash.status}; last output:\n\n    ${crash.output.split("\n").slice(-8).join("\n    ")}\n`),
    ].join("\n");
    const markdown = [
      "## Fault suite",
      "",
      `\`pnpm test:faults\` (${profile} profile), ${new Date().toISOString()}, ${durationS} s. Private Kafka/PostgreSQL/Redis; 2 ingester replicas in one group, 1 aggregator;`,
      `a producer of ${RATE_PER_SECOND} msg/s (unique event ids, per-key sequence numbers, 1 in 97 invalid). A row counts the events Kafka acknowledged`,
      "while that fault was being injected; recovery is the time from the fault's end until every event acknowledged by then is stored; lag is acknowledged − stored.",
      "Kills between commits: the kills an armed ingester inflicted on itself between a chunk's database commit and its Kafka commit, of those planned; fewer than planned fails the suite.",
      "",
      table,
      "",
      "Totals and checks:",
      "",
      details,
      "",
      "```",
      `RESULT ${JSON.stringify(totals)}`,
      "```",
      "",
    ].join("\n");
    updateReliabilityReport({ faults: markdown });
    process.stdout.write(`${table}\n\n${details}\n`);
    process.stdout.write(`RESULT ${JSON.stringify(totals)}\n`);
    const failed = totals.lost > 0 || totals.duplicated > 0 || totals.rollup_mismatches > 0 || result.invalidMissing.length > 0 || result.wronglyDeadLettered.length > 0 || fleet.crashes.length > 0 || shortfalls.length > 0;
    process.exitCode = failed ? 1 : 0;
  } finally {
    sampling = false;
    if (producer) await producer.stop().catch(() => undefined);
    if (process.exitCode === 1 || process.env.FAULTS_SHOW_OUTPUT) {
      for (const { name, app } of fleet.history) {
        const tail = app.output().slice(-1500);
        if (tail) log(`--- ${name} pid ${app.child.pid} output tail ---\n${tail}`);
      }
    }
    await fleet.stop();
    await sql.end({ timeout: 2 }).catch(() => undefined);
    await stack.stop();
    if (process.exitCode === 0) rmSync(stack.dataDir, { recursive: true, force: true });
    log(`private stack stopped${process.exitCode === 0 ? "" : ` (data left in ${stack.dataDir} for inspection)`}`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`fault suite failed: ${error.stack ?? error.message}\n`);
  process.exit(2);
});
