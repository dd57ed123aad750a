import { createInterface } from "node:readline/promises";
import { UsageError } from "./cli-errors";

/**
 * Asks a yes/no question on the terminal; only "y" or "yes" goes ahead. Without a terminal
 * there is nobody to ask, so the caller's --yes is required (a usage error otherwise).
 */
export async function confirm(question: string, usage: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError("stdin is not a terminal, so nobody can confirm: pass --yes", usage);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
