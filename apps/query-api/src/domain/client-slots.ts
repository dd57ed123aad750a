/**
 * Counts what each client (an API key, else an address) holds at once (exports, streams), so one
 * client cannot take every database connection or stream of a process.
 */
export class ClientSlots {
  private readonly held = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  /** A release function when the client has a slot left, else undefined. Releasing twice is harmless. */
  tryAcquire(client: string): (() => void) | undefined {
    const count = this.held.get(client) ?? 0;
    if (count >= this.perClient) return undefined;
    this.held.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left <= 0) this.held.delete(client);
      else this.held.set(client, left);
    };
  }

  heldBy(client: string): number {
    return this.held.get(client) ?? 0;
  }
}
