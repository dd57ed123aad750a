/** A configuration that cannot be used; `lines` holds one line per bad key. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}
