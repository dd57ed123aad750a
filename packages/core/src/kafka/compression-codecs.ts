import { promisify } from "node:util";
import zlib from "node:zlib";
import { CompressionCodecs, CompressionTypes, KafkaJSPartialMessageError } from "kafkajs";
import snappyjs from "snappyjs";
import { compressFrame, decompressFrame } from "lz4-napi";
import { compress as zstdCompress, decompress as zstdDecompress } from "@mongodb-js/zstd";
import { lz4DecompressedBound, snappyBlocks, snappyDecompressedSize, zstdDecompressedBound } from "./decompressed-size";
import { holdsRecords, locateBatch, placeholderRecords } from "./undecodable-batch";
import { errorMessage } from "../errors";

/** What kafkajs calls on a codec (its types leave it `any`). */
interface CodecImpl {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
/** Ours also takes the most bytes the batch may decompress to, and refuses before allocating more. */
interface CappedCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer, maxBytes: number): Promise<Buffer>;
}

/** The default of kafka.max_decompressed_batch_bytes. */
export const DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES = 64 * 1024 * 1024;
export type CodecName = "gzip" | "snappy" | "lz4" | "zstd";

const TYPES: Record<CodecName, Exclude<CompressionTypes, CompressionTypes.None>> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

// kafkajs ships gzip only. Kafka's lz4 is the LZ4 frame format; its snappy is plain or
// Xerial-framed (the Java client); zstd is a plain zstd frame.
// Each decoder is capped: gzip by zlib's maxOutputLength (it stops inflating there), the others
// by the size their own framing bounds them to, read before anything is decompressed.
const gzip = CompressionCodecs[CompressionTypes.GZIP]() as CodecImpl;
const unzip = promisify<zlib.InputType, zlib.ZlibOptions, Buffer>(zlib.unzip);
const IMPLEMENTATIONS: Record<CodecName, CappedCodec> = {
  gzip: {
    compress: (encoder) => gzip.compress(encoder),
    decompress: async (buffer, maxBytes) => {
      try {
        return await unzip(buffer, { maxOutputLength: maxBytes });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw new DecompressionCapError(maxBytes);
        throw error;
      }
    },
  },
  // The blocks are joined once: kafkajs-snappy concatenated them one by one, quadratic in their number.
  snappy: boundedBy(
    snappyDecompressedSize,
    async (encoder) => snappyjs.compress(encoder.buffer),
    async (buffer) => Buffer.concat(snappyBlocks(buffer).map((block) => snappyjs.uncompress(block))),
  ),
  lz4: boundedBy(lz4DecompressedBound, (encoder) => compressFrame(encoder.buffer), (buffer) => decompressFrame(buffer)),
  zstd: boundedBy(zstdDecompressedBound, (encoder) => zstdCompress(encoder.buffer), (buffer) => zstdDecompress(buffer)),
};

/** A batch whose records would pass the cap; it becomes an undecodable batch like any other. */
export class DecompressionCapError extends Error {
  constructor(maxBytes: number) {
    super(`it decompresses past ${maxBytes} bytes (kafka.max_decompressed_batch_bytes)`);
  }
}

function boundedBy(
  bound: (buffer: Buffer) => number,
  compress: CappedCodec["compress"],
  decompress: CodecImpl["decompress"],
): CappedCodec {
  return {
    compress,
    decompress: async (buffer, maxBytes) => {
      if (bound(buffer) > maxBytes) throw new DecompressionCapError(maxBytes);
      const records = await decompress(buffer);
      if (records.length > maxBytes) throw new DecompressionCapError(maxBytes); // the bound is the format's; never trust it alone
      return records;
    },
  };
}

export interface CodecOptions {
  /** Tests only: codecs to leave without a decoder, to prove a batch nobody can decode stops nothing. */
  unsupported?: readonly CodecName[];
  /** The most bytes one batch, and one fetch response's batches together, may decompress to (kafka.max_decompressed_batch_bytes). */
  maxDecompressedBatchBytes?: number;
}

/**
 * Registers gzip, snappy, lz4 and zstd with kafkajs (a process-wide registry), each guarded: a
 * batch that still cannot be decoded (corrupt, or a codec left unsupported) becomes stand-in
 * records instead of an error, which would otherwise fail the whole fetch and crash the consumer
 * for good. The consumer sees one marked message per record (see undecodableBatchOf). A batch that
 * would decompress past the cap (a decompression bomb) is refused before its output is allocated,
 * and is undecodable too: otherwise it would exhaust the heap on every restart.
 */
export function registerCompressionCodecs(options: CodecOptions = {}): void {
  const maxBytes = options.maxDecompressedBatchBytes ?? DEFAULT_MAX_DECOMPRESSED_BATCH_BYTES;
  for (const name of Object.keys(TYPES) as CodecName[]) {
    const implementation = options.unsupported?.includes(name) ? undefined : IMPLEMENTATIONS[name];
    const guardedCodec = guarded(name, implementation, maxBytes);
    CompressionCodecs[TYPES[name]] = () => guardedCodec;
  }
}

/**
 * Bytes decompressed so far from each fetch response, keyed by the memory kafkajs hands codecs a
 * view into. kafkajs decodes all of a response's batches before any is processed, so the cap holds
 * for them together, not only for each: many batches each just under it would add up otherwise.
 */
const decompressedByResponse = new WeakMap<ArrayBufferLike, number>();
/** kafkajs's types leave out the message its constructor takes. */
const PartialMessageError = KafkaJSPartialMessageError as unknown as new (message: string) => Error;

function guarded(name: CodecName, implementation: CappedCodec | undefined, maxBytes: number): CodecImpl {
  return {
    compress: async (encoder) => {
      if (!implementation) throw new Error(`${name} compression is not supported here`);
      return implementation.compress(encoder);
    },
    decompress: async (buffer) => {
      const spent = decompressedByResponse.get(buffer.buffer) ?? 0;
      let failure: string;
      try {
        if (!implementation) throw new Error(`no ${name} decoder`);
        if (spent >= maxBytes) throw new DecompressionCapError(0);
        const records = await implementation.decompress(buffer, maxBytes - spent);
        decompressedByResponse.set(buffer.buffer, (decompressedByResponse.get(buffer.buffer) ?? 0) + records.length);
        const batch = locateBatch(buffer, TYPES[name]);
        if (!batch || holdsRecords(records, batch.recordCount)) return records;
        failure = `it decompresses to bytes that are not its ${batch.recordCount} records`;
      } catch (error) {
        // Past what this response has left, but maybe not past the cap: kafkajs reads this error
        // as "the rest of this partition next fetch", where the batch meets the cap on its own.
        if (spent > 0 && error instanceof DecompressionCapError) {
          throw new PartialMessageError(`${name} batch left for the next fetch: this one has decompressed ${spent} of ${maxBytes} bytes`);
        }
        failure = errorMessage(error);
      }
      const batch = locateBatch(buffer, TYPES[name]);
      if (!batch) throw new Error(`${name} batch cannot be decoded: ${failure}`);
      return placeholderRecords(batch, name, failure, buffer);
    },
  };
}
