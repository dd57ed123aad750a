import { randomUUID } from "node:crypto";

// Pure logic behind the guarded codecs: find the record batch around a compressed payload
// kafkajs hands a codec, and build stand-in records for a batch that cannot be decoded.

/** Bytes from a batch's start to its compressed records (v2 header + record count). */
const HEADER_BYTES = 61;
const RECORD_BATCH_MAGIC = 2;
/** A v2 batch's length field counts from the leader epoch on: 49 header bytes, then the records. */
const LENGTH_COUNTED_HEADER_BYTES = 49;

export interface LocatedBatch {
  firstOffset: bigint;
  lastOffsetDelta: number;
  recordCount: number;
}

/**
 * The header of the record batch whose compressed records `compressed` is. kafkajs passes a codec
 * a view into the fetch response, so the header sits just before it in the same memory; every
 * field is cross-checked (magic, codec bits, length) and undefined is returned when the layout is
 * not the one expected (a kafkajs change), so a failure is then thrown as before, never misread.
 */
export function locateBatch(compressed: Buffer, codecType: number): LocatedBatch | undefined {
  if (compressed.byteOffset < HEADER_BYTES) return undefined;
  const header = Buffer.from(compressed.buffer, compressed.byteOffset - HEADER_BYTES, HEADER_BYTES);
  if (header.readInt8(16) !== RECORD_BATCH_MAGIC) return undefined;
  if ((header.readInt16BE(21) & 0x07) !== codecType) return undefined;
  if (header.readInt32BE(8) !== LENGTH_COUNTED_HEADER_BYTES + compressed.length) return undefined;
  const recordCount = header.readInt32BE(57);
  const lastOffsetDelta = header.readInt32BE(23);
  if (recordCount <= 0 || lastOffsetDelta < recordCount - 1) return undefined;
  return { firstOffset: header.readBigInt64BE(0), lastOffsetDelta, recordCount };
}

/** Whether `records` holds exactly `count` length-prefixed records (decompressed garbage does not). */
export function holdsRecords(records: Buffer, count: number): boolean {
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const length = readVarInt(records, offset);
    if (length === undefined || length.value < 0) return false;
    offset = length.next + length.value;
    if (offset > records.length) return false;
  }
  return offset === records.length;
}

/** Marks stand-in records; random per process, so no producer can forge one. */
const PLACEHOLDER_HEADER = `analytics-undecodable-${randomUUID()}`;

export interface UndecodableBatch {
  /** The first record of the batch stands for all of it; the others are only there to be skipped. */
  first: boolean;
  /** Why, with the codec and the batch's offset range. */
  detail: string;
}

/**
 * One stand-in record per record of the batch (kafkajs decodes exactly recordCount): the first
 * carries the batch's compressed bytes and why it failed, the rest are empty; all are marked.
 */
export function placeholderRecords(batch: LocatedBatch, codec: string, error: string, compressed: Buffer): Buffer {
  const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
  const detail = `${codec} batch at offsets ${batch.firstOffset}-${lastOffset} (${batch.recordCount} records) cannot be decoded: ${error}`;
  const records: Buffer[] = [];
  for (let i = 0; i < batch.recordCount; i++) {
    // The last stand-in takes the batch's last offset, so consuming past it skips the whole batch.
    const offsetDelta = i === batch.recordCount - 1 ? batch.lastOffsetDelta : i;
    records.push(encodeRecord(offsetDelta, i === 0 ? compressed : null, JSON.stringify({ first: i === 0, detail })));
  }
  return Buffer.concat(records);
}

/** The stand-in's description when `headers` mark one, else undefined. */
export function undecodableBatchOf(headers: Record<string, unknown> | undefined): UndecodableBatch | undefined {
  const marker = headers?.[PLACEHOLDER_HEADER];
  if (!Buffer.isBuffer(marker)) return undefined;
  return JSON.parse(marker.toString("utf8")) as UndecodableBatch;
}

function encodeRecord(offsetDelta: number, value: Buffer | null, marker: string): Buffer {
  const key = Buffer.from(PLACEHOLDER_HEADER);
  const mark = Buffer.from(marker);
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    varInt(0), // timestamp delta
    varInt(offsetDelta),
    varInt(-1), // no key
    value === null ? varInt(-1) : Buffer.concat([varInt(value.length), value]),
    varInt(1), // one header
    varInt(key.length),
    key,
    varInt(mark.length),
    mark,
  ]);
  return Buffer.concat([varInt(body.length), body]);
}

/** A zig-zag varint as in the Kafka record format. */
function varInt(value: number): Buffer {
  let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
  const bytes: number[] = [];
  while (zigzag >= 0x80) {
    bytes.push((zigzag % 0x80) | 0x80);
    zigzag = Math.floor(zigzag / 0x80);
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

function readVarInt(buffer: Buffer, start: number): { value: number; next: number } | undefined {
  let zigzag = 0;
  let scale = 1;
  for (let offset = start; offset < buffer.length && offset < start + 5; offset++) {
    const byte = buffer[offset]!;
    zigzag += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value: zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2, next: offset + 1 };
    scale *= 0x80;
  }
  return undefined;
}
