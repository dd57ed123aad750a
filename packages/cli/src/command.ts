import { EXIT } from "./cli-errors";

export interface Help {
  kind: "help";
  text: string;
}

/** One command group of `analytics` (migrate, api-key, event-type, …). */
export interface CommandGroup {
  name: string;
  /** How it is called, for the main help ("api-key create|list|revoke"). */
  synopsis: string;
  /** One line for the main help. */
  summary: string;
  /** Parses and runs; returns the exit code. Throws UsageError (exit 2) or CommandFailed (exit 1). */
  run(argv: readonly string[]): Promise<number>;
}

export interface CommandSpec<T> {
  name: string;
  synopsis: string;
  summary: string;
  /** Pure: the command or its help; throws UsageError. */
  parse(argv: readonly string[]): T | Help;
  /** Runs a parsed command (loading the adapters only now). */
  execute(command: T): Promise<number>;
}

export function commandGroup<T>(spec: CommandSpec<T>): CommandGroup {
  return {
    name: spec.name,
    synopsis: spec.synopsis,
    summary: spec.summary,
    async run(argv) {
      const command = spec.parse(argv);
      if (isHelp(command)) {
        write(command.text);
        return EXIT.ok;
      }
      return spec.execute(command);
    },
  };
}

function isHelp(command: unknown): command is Help {
  return typeof command === "object" && command !== null && (command as { kind?: unknown }).kind === "help";
}

export function write(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function warn(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}
