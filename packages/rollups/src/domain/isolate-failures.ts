/** An item that failed on its own, with its error. */
export interface IsolatedFailure<T> {
  item: T;
  error: unknown;
}

/**
 * Finds the items that make `attempt` fail, by bisection: a batch that fails is split in halves
 * and each half tried again, down to single items. Batches that succeed stay applied; k failing
 * items among n cost about k × log2(n) failed attempts. An error `isEventSpecific` rejects (the
 * database away, a timeout) is rethrown at once: it says nothing about the items.
 *
 * When every item of a batch of more than one fails on its own, the cause is not in the items
 * (a bug or an outage that looks like bad input): that throws too, so nothing is set aside.
 */
export async function isolateFailures<T>(
  items: readonly T[],
  attempt: (batch: readonly T[]) => Promise<void>,
  isEventSpecific: (error: unknown) => boolean,
): Promise<IsolatedFailure<T>[]> {
  const failed: IsolatedFailure<T>[] = [];
  const tryBatch = async (batch: readonly T[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      await attempt(batch);
    } catch (error) {
      if (!isEventSpecific(error)) throw error;
      if (batch.length === 1) {
        failed.push({ item: batch[0]!, error });
        return;
      }
      const middle = Math.ceil(batch.length / 2);
      await tryBatch(batch.slice(0, middle));
      await tryBatch(batch.slice(middle));
    }
  };
  await tryBatch(items);
  if (items.length > 1 && failed.length === items.length) {
    throw new Error(`every one of ${items.length} events fails on its own (${describeError(failed[0]!.error)}): a failure not caused by the events`);
  }
  return failed;
}

/**
 * Whether a failed fold can be blamed on the events folded: errors thrown by the fold itself
 * (no code: RangeError, TypeError...) and PostgreSQL's data exceptions (class 22), constraint
 * violations (23) and program limits (54: an index row too large for a huge dimension value).
 * Connection errors, timeouts, locks, resources, missing tables: not.
 */
export function isEventSpecificFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === undefined) return true;
  return typeof code === "string" && /^(22|23|54)[0-9A-Z]{3}$/.test(code);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
