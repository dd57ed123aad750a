/**
 * Waits for every promise to settle, then rejects with the first failure in the given order. For
 * statements sent together on one transaction: none is left running when the caller's error
 * rolls the transaction back (Promise.all would reject at the first failure and leave the rest).
 */
export async function settleAll(promises: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}
