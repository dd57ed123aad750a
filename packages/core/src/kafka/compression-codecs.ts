import { CompressionCodecs, CompressionTypes } from "kafkajs";
import SnappyCodec from "kafkajs-snappy";
import { compressFrame, decompressFrame } from "lz4-napi";
import { compress as zstdCompress, decompress as zstdDecompress } from "@mongodb-js/zstd";
import { holdsRecords, locateBatch, placeholderRecords } from "./undecodable-batch";

/** What kafkajs calls on a codec (its types leave it `any`). */
interface CodecImpl {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
export type CodecName = "gzip" | "snappy" | "lz4" | "zstd";

const TYPES: Record<CodecName, Exclude<CompressionTypes, CompressionTypes.None>> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

// kafkajs ships gzip only. Kafka's lz4 is the LZ4 frame format; its snappy is Xerial-framed
// (kafkajs-snappy reads both); zstd is a plain zstd frame.
const gzip = CompressionCodecs[CompressionTypes.GZIP]() as CodecImpl;
const IMPLEMENTATIONS: Record<CodecName, CodecImpl> = {
  gzip,
  snappy: SnappyCodec() as CodecImpl,
  lz4: { compress: (encoder) => compressFrame(encoder.buffer), decompress: (buffer) => decompressFrame(buffer) },
  zstd: { compress: (encoder) => zstdCompress(encoder.buffer), decompress: (buffer) => zstdDecompress(buffer) },
};

export interface CodecOptions {
  /** Tests only: codecs to leave without a decoder, to prove a batch nobody can decode stops nothing. */
  unsupported?: readonly CodecName[];
}

/**
 * Registers gzip, snappy, lz4 and zstd with kafkajs (a process-wide registry), each guarded: a
 * batch that still cannot be decoded (corrupt, or a codec left unsupported) becomes stand-in
 * records instead of an error, which would otherwise fail the whole fetch and crash the consumer
 * for good. The consumer sees one marked message per record (see undecodableBatchOf).
 */
export function registerCompressionCodecs(options: CodecOptions = {}): void {
  for (const name of Object.keys(TYPES) as CodecName[]) {
    const implementation = options.unsupported?.includes(name) ? undefined : IMPLEMENTATIONS[name];
    const guardedCodec = guarded(name, implementation);
    CompressionCodecs[TYPES[name]] = () => guardedCodec;
  }
}

function guarded(name: CodecName, implementation: CodecImpl | undefined): CodecImpl {
  return {
    compress: async (encoder) => {
      if (!implementation) throw new Error(`${name} compression is not supported here`);
      return implementation.compress(encoder);
    },
    decompress: async (buffer) => {
      let failure: string;
      try {
        if (!implementation) throw new Error(`no ${name} decoder`);
        const records = await implementation.decompress(buffer);
        const batch = locateBatch(buffer, TYPES[name]);
        if (!batch || holdsRecords(records, batch.recordCount)) return records;
        failure = `it decompresses to bytes that are not its ${batch.recordCount} records`;
      } catch (error) {
        failure = (error as Error).message;
      }
      const batch = locateBatch(buffer, TYPES[name]);
      if (!batch) throw new Error(`${name} batch cannot be decoded: ${failure}`);
      return placeholderRecords(batch, name, failure, buffer);
    },
  };
}
