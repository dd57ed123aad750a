import { holdsRecords, locateBatch, placeholderRecords, undecodableBatchOf } from "./undecodable-batch";

const ZSTD = 4;

/** A v2 record batch header followed by `payload`, as a fetch response holds it. */
function batchBytes(payload: Buffer, { firstOffset = 100n, recordCount = 3, lastOffsetDelta = 2, codec = ZSTD, magic = 2 } = {}): Buffer {
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(firstOffset, 0);
  header.writeInt32BE(49 + payload.length, 8);
  header.writeInt8(magic, 16);
  header.writeInt16BE(codec, 21);
  header.writeInt32BE(lastOffsetDelta, 23);
  header.writeInt32BE(recordCount, 57);
  return Buffer.concat([Buffer.from("fetch-response-prefix"), header, payload]);
}

/** The compressed records as kafkajs hands them to a codec: a view into the response. */
const payloadOf = (bytes: Buffer, length: number) => bytes.subarray(bytes.length - length);

describe("locateBatch", () => {
  it("reads the batch around a codec's input", () => {
    const payload = Buffer.from("not really zstd");
    expect(locateBatch(payloadOf(batchBytes(payload), payload.length), ZSTD)).toEqual({ firstOffset: 100n, lastOffsetDelta: 2, recordCount: 3 });
  });

  it("refuses a layout it does not recognise rather than misreading it", () => {
    const payload = Buffer.from("abc");
    expect(locateBatch(Buffer.from(payload), ZSTD)).toBeUndefined(); // no header before it
    expect(locateBatch(payloadOf(batchBytes(payload, { magic: 1 }), 3), ZSTD)).toBeUndefined();
    expect(locateBatch(payloadOf(batchBytes(payload, { codec: 3 }), 3), ZSTD)).toBeUndefined();
    expect(locateBatch(payloadOf(batchBytes(payload), 2), ZSTD)).toBeUndefined(); // length does not match
    expect(locateBatch(payloadOf(batchBytes(payload, { recordCount: 5, lastOffsetDelta: 2 }), 3), ZSTD)).toBeUndefined();
  });
});

describe("placeholderRecords", () => {
  it("builds exactly recordCount records, the last at the batch's last offset, all marked", () => {
    const compressed = Buffer.from("opaque");
    const records = placeholderRecords({ firstOffset: 100n, lastOffsetDelta: 4, recordCount: 3 }, "zstd", "boom", compressed);
    expect(holdsRecords(records, 3)).toBe(true);
    expect(holdsRecords(records, 2)).toBe(false);
    expect(records.includes(compressed)).toBe(true);
  });

  it("marks stand-ins with a header no producer can forge", () => {
    expect(undecodableBatchOf({ "analytics-undecodable": Buffer.from('{"first":true,"detail":"x"}') })).toBeUndefined();
    expect(undecodableBatchOf(undefined)).toBeUndefined();
  });
});

describe("holdsRecords", () => {
  it("rejects bytes that do not split into the records counted", () => {
    expect(holdsRecords(Buffer.from([0x04, 1, 2]), 1)).toBe(true); // zig-zag 0x04 = a 2-byte record
    expect(holdsRecords(Buffer.from([0x04, 1]), 1)).toBe(false);
    expect(holdsRecords(Buffer.from([0x02, 1, 0x02, 1]), 2)).toBe(true);
    expect(holdsRecords(Buffer.from([0x02, 1, 0x02, 1, 9]), 2)).toBe(false);
  });
});
