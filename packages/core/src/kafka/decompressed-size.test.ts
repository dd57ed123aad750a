import { compress as zstdCompress } from "@mongodb-js/zstd";
import { compressFrameSync } from "lz4-napi";
import { lz4DecompressedBound, MalformedFrameError, snappyBlocks, snappyDecompressedSize, zstdDecompressedBound } from "./decompressed-size";

const MiB = 1024 * 1024;
const zeros = Buffer.alloc(MiB);
const text = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"event_id":"${i}","price":${i * 1.5}}`).join(","));

/** A zstd frame of RLE blocks without a content size: each 3-byte header says "128 KiB of byte 0". */
function zstdRleFrame(blocks: number): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]); // no content size; window 128 KiB
  const block = (last: boolean) => {
    const word = (last ? 1 : 0) | (1 << 1) | ((128 * 1024) << 3);
    return Buffer.from([word & 0xff, (word >> 8) & 0xff, (word >> 16) & 0xff, 0]);
  };
  return Buffer.concat([header, ...Array.from({ length: blocks }, (_, i) => block(i === blocks - 1))]);
}

/** A plain snappy block that only declares its length: `length` as a varint, then nothing. */
function snappyPreambleOnly(length: number): Buffer {
  const bytes: number[] = [];
  for (let rest = length; ; rest = Math.floor(rest / 128)) {
    if (rest < 128) {
      bytes.push(rest);
      break;
    }
    bytes.push((rest % 128) | 0x80);
  }
  return Buffer.from(bytes);
}

describe("zstdDecompressedBound", () => {
  it("bounds a frame by its blocks, within one block of what it decompresses to", async () => {
    const bound = zstdDecompressedBound(await zstdCompress(zeros));
    expect(bound).toBeGreaterThanOrEqual(MiB);
    expect(bound).toBeLessThanOrEqual(MiB + 128 * 1024);
    const small = await zstdCompress(text);
    expect(zstdDecompressedBound(small)).toBeGreaterThanOrEqual(text.length);
    expect(zstdDecompressedBound(small)).toBeLessThanOrEqual(text.length + 128 * 1024);
  });

  it("counts RLE blocks at the size they declare, and adds up concatenated and skippable frames", () => {
    expect(zstdDecompressedBound(zstdRleFrame(8))).toBe(MiB);
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    expect(zstdDecompressedBound(Buffer.concat([zstdRleFrame(2), skippable, zstdRleFrame(3)]))).toBe(5 * 128 * 1024);
  });

  it("counts a declared content size past what the blocks can make", () => {
    // Single segment, 4-byte content size of 2^31, then one empty raw last block.
    const frame = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0x80, 1, 0, 0]);
    expect(zstdDecompressedBound(frame)).toBe(2 ** 31);
  });

  it("refuses what is not a whole zstd frame", () => {
    expect(() => zstdDecompressedBound(Buffer.from("not zstd at all"))).toThrow(MalformedFrameError);
    expect(() => zstdDecompressedBound(zstdRleFrame(4).subarray(0, 12))).toThrow(MalformedFrameError);
  });
});

describe("lz4DecompressedBound", () => {
  it("bounds a frame by its blocks: an LZ4 block regenerates at most 255 times its size", () => {
    const frame = compressFrameSync(zeros);
    const bound = lz4DecompressedBound(frame);
    expect(bound).toBeGreaterThanOrEqual(MiB);
    expect(bound).toBeLessThanOrEqual(255 * frame.length);
    expect(lz4DecompressedBound(compressFrameSync(text))).toBeGreaterThanOrEqual(text.length);
  });

  it("counts a declared content size, and refuses what is not a whole LZ4 frame", () => {
    // FLG: version 1, independent blocks, content size; BD: 64 KiB blocks; size 2^40; HC; end mark.
    const frame = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0, 0, 1, 0, 0, 0xff, 0, 0, 0, 0]);
    expect(lz4DecompressedBound(frame)).toBe(2 ** 40);
    expect(() => lz4DecompressedBound(Buffer.from("not lz4"))).toThrow(MalformedFrameError);
    expect(() => lz4DecompressedBound(compressFrameSync(text).subarray(0, 20))).toThrow(MalformedFrameError);
  });
});

describe("snappyDecompressedSize", () => {
  it("reads a plain block's declared length, and sums the blocks of Xerial framing", () => {
    expect(snappyDecompressedSize(snappyPreambleOnly(2 ** 32 - 1))).toBe(2 ** 32 - 1);
    const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    const chunk = (length: number) => {
      const block = snappyPreambleOnly(length);
      const size = Buffer.alloc(4);
      size.writeUInt32BE(block.length);
      return Buffer.concat([size, block]);
    };
    expect(snappyDecompressedSize(Buffer.concat([header, chunk(MiB), chunk(3 * MiB)]))).toBe(4 * MiB);
    expect(snappyBlocks(Buffer.concat([header, chunk(MiB), chunk(3 * MiB)])).map((block) => block.length)).toEqual([3, 4]);
    expect(() => snappyBlocks(Buffer.concat([header, chunk(MiB)]).subarray(0, 21))).toThrow(MalformedFrameError);
  });

  it("refuses a length that runs past 32 bits", () => {
    expect(() => snappyDecompressedSize(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(MalformedFrameError);
  });
});
