/** One valid event the producer had acknowledged by Kafka. */
export interface ProducedEvent {
  id: string;
  /** When Kafka acknowledged it, ms since the epoch. */
  ackedAt: number;
}

/** A fault's window on the run's clock: from injection to the moment the fault was lifted. */
export interface FaultWindow {
  name: string;
  startedAt: number;
  endedAt: number;
}

export interface Reconciliation {
  produced: number;
  stored: number;
  lost: string[];
  duplicated: string[];
  /** Stored ids the producer never produced (should be none). */
  unexpected: string[];
  /** Invalid messages (by key) that never reached the dead-letter topic. */
  invalidMissing: string[];
  /** Dead letters whose key is not one of the invalid messages (a valid event dead-lettered). */
  wronglyDeadLettered: string[];
  /** Keys that were dead-lettered more than once (at-least-once into the dead-letter topic). */
  deadLetterRepeats: string[];
  deadLettered: number;
}

/**
 * Compares by id what was produced with what PostgreSQL holds (`storedCounts`: rows per
 * event id) and the dead-letter keys with the keys of the invalid messages produced.
 */
export function reconcile(
  produced: readonly ProducedEvent[],
  storedCounts: ReadonlyMap<string, number>,
  invalidKeys: readonly string[],
  deadLetterKeys: readonly string[],
): Reconciliation {
  const producedIds = new Set(produced.map((event) => event.id));
  const lost = [...producedIds].filter((id) => !storedCounts.has(id));
  const duplicated = [...storedCounts].filter(([, count]) => count > 1).map(([id]) => id);
  const unexpected = [...storedCounts.keys()].filter((id) => !producedIds.has(id));
  const invalid = new Set(invalidKeys);
  const letters = new Map<string, number>();
  for (const key of deadLetterKeys) letters.set(key, (letters.get(key) ?? 0) + 1);
  return {
    produced: producedIds.size,
    stored: [...storedCounts.keys()].filter((id) => producedIds.has(id)).length,
    lost,
    duplicated,
    unexpected,
    invalidMissing: invalidKeys.filter((key) => !letters.has(key)),
    wronglyDeadLettered: [...letters.keys()].filter((key) => !invalid.has(key)),
    deadLetterRepeats: [...letters].filter(([, count]) => count > 1).map(([key]) => key),
    deadLettered: [...letters.keys()].filter((key) => invalid.has(key)).length,
  };
}

/** The fault an event belongs to: the window its acknowledgement fell in (or "steady" between faults). */
export function attributeToFault(ackedAt: number, windows: readonly FaultWindow[]): string {
  return windows.find((window) => ackedAt >= window.startedAt && ackedAt <= window.endedAt)?.name ?? "steady";
}

/** Lost ids counted per fault window they were acknowledged in. */
export function lostPerFault(produced: readonly ProducedEvent[], lost: readonly string[], windows: readonly FaultWindow[]): Map<string, number> {
  const lostIds = new Set(lost);
  const counts = new Map<string, number>();
  for (const event of produced) {
    if (!lostIds.has(event.id)) continue;
    const name = attributeToFault(event.ackedAt, windows);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** One sample of the pipeline's progress: acknowledged valid events vs stored events. */
export interface ProgressSample {
  at: number;
  acked: number;
  stored: number;
}

/** Worst backlog (acknowledged but not yet stored) among the samples between `from` and `to`. */
export function worstLag(samples: readonly ProgressSample[], from: number, to: number): number {
  let worst = 0;
  for (const sample of samples) {
    if (sample.at >= from && sample.at <= to) worst = Math.max(worst, sample.acked - sample.stored);
  }
  return worst;
}

/**
 * Milliseconds from the end of a fault until the stored count caught up with what was
 * acknowledged when the fault ended; undefined when it never did within the samples.
 */
export function recoveryMs(samples: readonly ProgressSample[], faultEndedAt: number, ackedAtEnd: number): number | undefined {
  const caughtUp = samples.find((sample) => sample.at >= faultEndedAt && sample.stored >= ackedAtEnd);
  return caughtUp === undefined ? undefined : caughtUp.at - faultEndedAt;
}
