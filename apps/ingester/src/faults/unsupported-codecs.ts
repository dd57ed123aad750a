import { type CodecName, type Logger, registerCompressionCodecs } from "@trading-analytics/core";

/**
 * Fault injection, off unless set: INGESTER_FAULT_UNSUPPORTED_CODECS=zstd,lz4 leaves those codecs
 * without a decoder, so a test can prove that a batch nobody can decode stops nothing (it is
 * dead-lettered and skipped). Never set it in production.
 */
export const UNSUPPORTED_CODECS_ENV = "INGESTER_FAULT_UNSUPPORTED_CODECS";

const CODECS: readonly CodecName[] = ["gzip", "snappy", "lz4", "zstd"];

export function parseUnsupportedCodecs(value: string | undefined): CodecName[] {
  const names = (value ?? "").split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const name of names) {
    if (!CODECS.includes(name as CodecName)) throw new Error(`${UNSUPPORTED_CODECS_ENV}: "${name}" is not one of ${CODECS.join(", ")}`);
  }
  return names as CodecName[];
}

/** Re-registers the codecs without the ones the variable names (after createKafka registered them all). */
export function unsupportedCodecsFromEnv(env: NodeJS.ProcessEnv, logger: Logger, maxDecompressedBatchBytes: number): void {
  const unsupported = parseUnsupportedCodecs(env[UNSUPPORTED_CODECS_ENV]);
  if (unsupported.length === 0) return;
  registerCompressionCodecs({ unsupported, maxDecompressedBatchBytes });
  logger.warn("fault injection: compression codecs left without a decoder", { codecs: unsupported });
}
