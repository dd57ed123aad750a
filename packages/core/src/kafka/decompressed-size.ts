// Pure logic behind the decompression cap: read, from a compressed payload's own framing, the
// most bytes it can decompress to, without decompressing it. Each walk visits only headers, so a
// bomb is refused for the price of reading its block sizes.

/** A payload whose framing does not hold together; decoding it is refused as it would fail anyway. */
export class MalformedFrameError extends Error {}

const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50; // zstd and LZ4 share it
const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_MAX_BLOCK_BYTES = 128 * 1024;
const LZ4_MAGIC = 0x184d2204;
/** No LZ4 sequence regenerates more than 255 bytes per byte it takes (a match-length byte adds 255). */
const LZ4_MAX_RATIO = 255;
const LZ4_BLOCK_MAX_BYTES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

/**
 * The most bytes a sequence of zstd frames can decompress to: raw and RLE blocks state their size,
 * a compressed block regenerates at most Block_Maximum_Size (128 KiB, or the window if smaller), and a frame's
 * Frame_Content_Size, when present, also counts (a decoder may allocate from it).
 */
export function zstdDecompressedBound(input: Buffer): number {
  let offset = 0;
  let bound = 0;
  while (offset < input.length) {
    const magic = readU32LE(input, offset, "zstd");
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      offset = skipFrame(input, offset, "zstd");
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new MalformedFrameError(`not a zstd frame at byte ${offset}`);
    const descriptor = byteAt(input, offset + 4, "zstd");
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor >> 5) & 1;
    const hasChecksum = (descriptor >> 2) & 1;
    const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3]!;
    const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
    const windowSize = singleSegment ? undefined : zstdWindowSize(byteAt(input, offset + 5, "zstd"));
    let cursor = offset + 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
    const declared = contentSizeBytes === 0 ? undefined : readUIntLE(input, cursor, contentSizeBytes, "zstd") + (contentSizeBytes === 2 ? 256 : 0);
    cursor += contentSizeBytes;
    const blockMax = Math.min(ZSTD_MAX_BLOCK_BYTES, windowSize ?? declared ?? ZSTD_MAX_BLOCK_BYTES);
    let frameBound = 0;
    for (let last = false; !last; ) {
      const header = readUIntLE(input, cursor, 3, "zstd");
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw new MalformedFrameError(`reserved zstd block type at byte ${cursor}`);
      frameBound += type === 2 ? blockMax : size;
      cursor += 3 + (type === 1 ? 1 : size);
    }
    offset = cursor + (hasChecksum ? 4 : 0);
    if (offset > input.length) throw new MalformedFrameError("zstd frame is truncated");
    bound += Math.max(frameBound, declared ?? 0);
  }
  return bound;
}

/** Window_Size from a zstd Window_Descriptor (exponent and mantissa). */
function zstdWindowSize(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >> 3));
  return base + (base / 8) * (descriptor & 7);
}

/**
 * The most bytes a sequence of LZ4 frames can decompress to: an uncompressed block states its
 * size, a compressed one regenerates at most the frame's block maximum (64 KiB to 4 MiB) and at
 * most 255 times its own size, and a declared content size also counts.
 */
export function lz4DecompressedBound(input: Buffer): number {
  let offset = 0;
  let bound = 0;
  while (offset < input.length) {
    const magic = readU32LE(input, offset, "LZ4");
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      offset = skipFrame(input, offset, "LZ4");
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new MalformedFrameError(`not an LZ4 frame at byte ${offset}`);
    const flags = byteAt(input, offset + 4, "LZ4");
    if (flags >> 6 !== 1) throw new MalformedFrameError(`LZ4 frame version ${flags >> 6} at byte ${offset}`);
    const blockChecksums = (flags >> 4) & 1;
    const hasContentSize = (flags >> 3) & 1;
    const contentChecksum = (flags >> 2) & 1;
    const hasDictionaryId = flags & 1;
    const blockMax = LZ4_BLOCK_MAX_BYTES[(byteAt(input, offset + 5, "LZ4") >> 4) & 7];
    if (blockMax === undefined) throw new MalformedFrameError(`LZ4 block size code at byte ${offset + 5}`);
    let cursor = offset + 6;
    const declared = hasContentSize ? readUIntLE(input, cursor, 8, "LZ4") : 0;
    cursor += (hasContentSize ? 8 : 0) + (hasDictionaryId ? 4 : 0) + 1; // + header checksum
    let frameBound = 0;
    for (;;) {
      const word = readU32LE(input, cursor, "LZ4");
      cursor += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      const stored = word >>> 31 === 1;
      frameBound += stored ? size : Math.min(blockMax, LZ4_MAX_RATIO * size);
      cursor += size + (blockChecksums ? 4 : 0);
    }
    offset = cursor + (contentChecksum ? 4 : 0);
    if (offset > input.length) throw new MalformedFrameError("LZ4 frame is truncated");
    bound += Math.max(frameBound, declared);
  }
  return bound;
}

/**
 * The bytes a snappy payload decompresses to, as its blocks declare (a decoder allocates that much
 * up front).
 */
export function snappyDecompressedSize(input: Buffer): number {
  return snappyBlocks(input).reduce((total, block) => total + snappyPreamble(block, 0), 0);
}

/**
 * The raw snappy blocks of a payload: itself, or the length-prefixed blocks of the Xerial framing
 * Kafka's Java client writes (after a 16-byte header of magic and versions).
 */
export function snappyBlocks(input: Buffer): Buffer[] {
  if (input.length < XERIAL_MAGIC.length || !input.subarray(0, XERIAL_MAGIC.length).equals(XERIAL_MAGIC)) return [input];
  const blocks: Buffer[] = [];
  for (let offset = XERIAL_HEADER_BYTES; offset < input.length; ) {
    const size = readU32BE(input, offset);
    offset += 4;
    if (offset + size > input.length) throw new MalformedFrameError("snappy (Xerial) block is truncated");
    blocks.push(input.subarray(offset, offset + size));
    offset += size;
  }
  return blocks;
}

/** A snappy block begins with its uncompressed length as an unsigned varint (at most 32 bits). */
function snappyPreamble(input: Buffer, start: number): number {
  let value = 0;
  for (let index = 0; index < 5; index++) {
    const byte = byteAt(input, start + index, "snappy");
    value += (byte & 0x7f) * 2 ** (7 * index);
    if ((byte & 0x80) === 0) return value;
  }
  throw new MalformedFrameError(`snappy length at byte ${start} runs past 32 bits`);
}

function skipFrame(input: Buffer, offset: number, format: string): number {
  const next = offset + 8 + readU32LE(input, offset + 4, format);
  if (next > input.length) throw new MalformedFrameError(`${format} skippable frame is truncated`);
  return next;
}

function byteAt(input: Buffer, offset: number, format: string): number {
  const byte = input[offset];
  if (byte === undefined) throw new MalformedFrameError(`${format} frame is truncated`);
  return byte;
}

function readU32BE(input: Buffer, offset: number): number {
  if (offset + 4 > input.length) throw new MalformedFrameError("snappy (Xerial) frame is truncated");
  return input.readUInt32BE(offset);
}

function readU32LE(input: Buffer, offset: number, format: string): number {
  return readUIntLE(input, offset, 4, format);
}

/** Little-endian unsigned integer of 1 to 8 bytes; past 2^53 it saturates, which is past any cap. */
function readUIntLE(input: Buffer, offset: number, bytes: number, format: string): number {
  if (offset + bytes > input.length) throw new MalformedFrameError(`${format} frame is truncated`);
  let value = 0;
  for (let index = bytes - 1; index >= 0; index--) value = value * 256 + input[offset + index]!;
  return value;
}
