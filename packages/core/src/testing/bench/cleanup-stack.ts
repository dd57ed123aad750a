import { errorMessage } from "../../errors";
// Everything a benchmark creates (databases, topics, consumer groups, processes) is undone
// here, newest first: after each leg, at the end, and on Ctrl-C, even when a leg failed.

interface Undo {
  label: string;
  run: () => Promise<unknown>;
}

export class CleanupStack {
  private readonly undos: Undo[] = [];

  constructor(private readonly log: (line: string) => void) {}

  /** Registers how to undo something just created. */
  defer(label: string, run: () => Promise<unknown>): void {
    this.undos.push({ label, run });
  }

  /** A position to unwind back to with releaseTo (one leg's resources). */
  mark(): number {
    return this.undos.length;
  }

  /** Undoes everything registered since `mark`; a failing undo is logged and the rest still run. */
  async releaseTo(mark = 0): Promise<void> {
    while (this.undos.length > mark) {
      const undo = this.undos.pop()!;
      try {
        await undo.run();
      } catch (error) {
        this.log(`cleanup of ${undo.label} failed: ${errorMessage(error)}`);
      }
    }
  }
}
