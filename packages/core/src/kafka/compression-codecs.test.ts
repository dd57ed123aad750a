import zlib from "node:zlib";
import { compress as zstdCompress } from "@mongodb-js/zstd";
import { CompressionCodecs, CompressionTypes } from "kafkajs";
import { compressFrameSync } from "lz4-napi";
import { registerCompressionCodecs } from "./compression-codecs";

const KiB = 1024;
const MiB = 1024 * KiB;
const CAP = 64 * KiB;
const TYPES = { gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD } as const;
type Name = keyof typeof TYPES;
interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
const codec = (name: Name) => CompressionCodecs[TYPES[name]]() as Codec;
/** A copy in memory of its own, as a fetch response is (small buffers otherwise share Node's pool). */
const response = (...payloads: Buffer[]) => responseOf(payloads);
const responseOf = (payloads: Buffer[]) => {
  const out = Buffer.alloc(payloads.reduce((total, payload) => total + payload.length, 0));
  payloads.reduce((offset, payload) => offset + payload.copy(out, offset), 0);
  return out;
};

/** A zstd frame of RLE blocks without a content size: each 4 bytes say "128 KiB of byte 0". */
function zstdRleFrame(blocks: number): Buffer {
  const block = (last: boolean) => {
    const word = (last ? 1 : 0) | (1 << 1) | ((128 * KiB) << 3);
    return Buffer.from([word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, 0]);
  };
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]), ...Array.from({ length: blocks }, (_, i) => block(i === blocks - 1))]);
}

/** 1 MiB of zeros in every codec: a few KB that would inflate 16 times past the test's cap. */
async function bombs(): Promise<Record<Name, Buffer>> {
  const zeros = Buffer.alloc(MiB);
  return {
    gzip: zlib.gzipSync(zeros),
    snappy: await codec("snappy").compress({ buffer: zeros }),
    lz4: compressFrameSync(zeros),
    zstd: await zstdCompress(zeros),
  };
}

describe("compression codecs with a decompressed-size cap", () => {
  afterAll(() => registerCompressionCodecs());

  it.each(Object.keys(TYPES) as Name[])("%s: a bomb is refused at the cap, and a batch under it decodes", async (name) => {
    registerCompressionCodecs({ maxDecompressedBatchBytes: CAP });
    const bomb = response((await bombs())[name]);
    expect(bomb.length).toBeLessThan(64 * KiB);
    await expect(codec(name).decompress(bomb)).rejects.toThrow(`${name} batch cannot be decoded: it decompresses past ${CAP} bytes`);

    registerCompressionCodecs({ maxDecompressedBatchBytes: 2 * MiB });
    expect(await codec(name).decompress(bomb)).toEqual(Buffer.alloc(MiB)); // the cap is the only reason it was refused
  });

  it.each(Object.keys(TYPES) as Name[])("%s: a small batch decodes under the smallest cap the config allows", async (name) => {
    registerCompressionCodecs({ maxDecompressedBatchBytes: MiB });
    const records = Buffer.from("records ".repeat(1000));
    const compressed = await codec(name).compress({ buffer: records });
    expect(await codec(name).decompress(response(compressed))).toEqual(records);
  });

  // If the cap did not hold, each of these would ask for more memory than the process has.
  it.each([
    ["zstd", "RLE blocks of 64 GiB with no content size", zstdRleFrame(512 * 1024)],
    ["zstd", "a declared content size of 1 TiB", Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0])],
    ["lz4", "a declared content size of 1 TiB", Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0xff, 0, 0, 0, 0])],
    ["snappy", "a declared length of 4 GiB", Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0])],
  ] as const)("%s: %s is refused before anything is inflated", async (name, _what, bomb) => {
    registerCompressionCodecs({ maxDecompressedBatchBytes: CAP });
    await expect(codec(name).decompress(response(bomb))).rejects.toThrow(`it decompresses past ${CAP} bytes`);
  });

  it("gzip stops inflating at the cap, whatever the stream claims", async () => {
    registerCompressionCodecs({ maxDecompressedBatchBytes: CAP });
    const bomb = response(zlib.gzipSync(Buffer.alloc(64 * MiB))); // ~64 KB that inflates 1,024 times past the cap
    await expect(codec("gzip").decompress(bomb)).rejects.toThrow(`it decompresses past ${CAP} bytes`);
  });

  it.each(Object.keys(TYPES) as Name[])(
    "%s: batches of one fetch response are capped together; one past what is left waits for the next fetch",
    async (name) => {
      registerCompressionCodecs({ maxDecompressedBatchBytes: 2 * MiB });
      const each = await codec(name).compress({ buffer: Buffer.alloc(512 * KiB) }); // five of them pass the cap together
      const fetched = response(each, each, each, each, each);
      const batches = [0, 1, 2, 3, 4].map((i) => fetched.subarray(i * each.length, (i + 1) * each.length));
      const decoded: number[] = [];
      let deferred: Error | undefined;
      for (const batch of batches) {
        try {
          decoded.push((await codec(name).decompress(batch)).length);
        } catch (error) {
          deferred = error as Error;
          break;
        }
      }
      expect(decoded.length).toBeGreaterThan(0);
      expect(decoded.reduce((total, length) => total + length, 0)).toBeLessThanOrEqual(2 * MiB);
      // kafkajs reads this error as the end of what a response holds for the partition, and fetches the rest again.
      expect(deferred?.name).toBe("KafkaJSPartialMessageError");
      expect(deferred?.message).toContain(`${name} batch left for the next fetch`);
      expect((await codec(name).decompress(response(each))).length).toBe(512 * KiB); // alone, in a new response, it decodes
    },
  );

  it("snappy: Xerial framing (the Java client's) is capped over all its blocks, and many blocks decode in linear time", async () => {
    registerCompressionCodecs({ maxDecompressedBatchBytes: MiB });
    const xerial = (blocks: Buffer[]) =>
      responseOf([Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]), ...blocks.flatMap((block) => [sizeOf(block), block])]);
    const sizeOf = (block: Buffer) => {
      const size = Buffer.alloc(4);
      size.writeUInt32BE(block.length);
      return size;
    };
    const block = await codec("snappy").compress({ buffer: Buffer.alloc(32 * KiB) });
    await expect(codec("snappy").decompress(xerial(Array.from({ length: 33 }, () => block)))).rejects.toThrow(`it decompresses past ${MiB} bytes`);

    // 100,000 blocks of 10 bytes: joining them one by one would copy ~50 GB.
    const tiny = await codec("snappy").compress({ buffer: Buffer.from("0123456789") });
    const started = Date.now();
    const records = await codec("snappy").decompress(xerial(Array.from({ length: 100_000 }, () => tiny)));
    expect(records.length).toBe(1_000_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
