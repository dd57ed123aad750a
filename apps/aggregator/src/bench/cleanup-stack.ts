// Everything the benchmark creates (databases, connections, a running aggregator) is undone
// here, newest first: at the end and on Ctrl-C, even when a leg failed.

interface Undo {
  label: string;
  run: () => Promise<unknown>;
}

export class CleanupStack {
  private readonly undos: Undo[] = [];

  constructor(private readonly log: (line: string) => void) {}

  defer(label: string, run: () => Promise<unknown>): void {
    this.undos.push({ label, run });
  }

  /** Undoes everything registered; a failing undo is logged and the rest still run. */
  async releaseAll(): Promise<void> {
    while (this.undos.length > 0) {
      const undo = this.undos.pop()!;
      try {
        await undo.run();
      } catch (error) {
        this.log(`cleanup of ${undo.label} failed: ${(error as Error).message}`);
      }
    }
  }
}
