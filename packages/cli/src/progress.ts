import { Presets, SingleBar } from "cli-progress";

// Progress bars on stderr (stdout stays the command's output for scripts). cli-progress draws
// only on a terminal and stays silent on a pipe or in CI, so logs never fill with redraws; it is
// small, has no native parts and has been the common choice for this for years.

export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  increment(payload?: Record<string, string | number>): void;
  stop(): void;
}

/** A bar of `total` steps; `format` may use {bar} {value} {total} {percentage} {eta_formatted} and payload keys. */
export function progressBar(total: number, format: string, payload: Record<string, string | number> = {}): Progress {
  const bar = new SingleBar(
    { format, stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 10 },
    Presets.shades_classic,
  );
  bar.start(total, 0, payload);
  return {
    update: (value, next) => bar.update(value, next ?? {}),
    increment: (next) => bar.increment(1, next ?? {}),
    stop: () => bar.stop(),
  };
}
