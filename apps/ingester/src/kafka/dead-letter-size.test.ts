import { chunkByBytes, letterBytes, permanentProduceError, pointerLetter } from "./dead-letter-size";

const letter = (valueBytes: number, detail = "bad") => ({
  key: Buffer.from("k"),
  value: Buffer.alloc(valueBytes),
  headers: { source_topic: "t", source_partition: "0", source_offset: "7", error_class: "too_large", error_message: detail },
});

describe("chunkByBytes", () => {
  it("cuts letters, in order, into sends that each fit the limit", () => {
    const letters = [letter(400), letter(400), letter(400), letter(100)];
    const chunks = chunkByBytes(letters, 1200);
    expect(chunks.flat()).toEqual(letters);
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2]);
    for (const chunk of chunks) expect(61 + chunk.reduce((sum, one) => sum + letterBytes(one), 0)).toBeLessThanOrEqual(1200);
  });

  it("gives a letter larger than the limit a send of its own", () => {
    expect(chunkByBytes([letter(10), letter(5000), letter(10)], 1000).map((chunk) => chunk.length)).toEqual([1, 1, 1]);
  });
});

describe("pointerLetter", () => {
  it("keeps where the original is and why, drops key and value, says how large they were", () => {
    const pointer = pointerLetter(letter(2_000_000, "x".repeat(5000)));
    expect(pointer.key).toBeNull();
    expect(pointer.value).toBeNull();
    expect(pointer.headers).toMatchObject({ source_topic: "t", source_offset: "7", error_class: "too_large", dead_letter_value_omitted: "too_large", original_value_bytes: "2000000", original_key_bytes: "1" });
    expect(pointer.headers.error_message!.length).toBeLessThanOrEqual(1001);
  });
});

describe("permanentProduceError", () => {
  it("finds the broker's permanent refusal inside kafkajs's wrapping, and nothing in a transient error", () => {
    const tooLarge = Object.assign(new Error("too large"), { type: "MESSAGE_TOO_LARGE" });
    expect(permanentProduceError(Object.assign(new Error("non-retriable"), { cause: tooLarge }))).toBe("MESSAGE_TOO_LARGE");
    expect(permanentProduceError(Object.assign(new Error("x"), { type: "RECORD_LIST_TOO_LARGE" }))).toBe("RECORD_LIST_TOO_LARGE");
    expect(permanentProduceError(Object.assign(new Error("x"), { type: "NOT_LEADER_FOR_PARTITION" }))).toBeUndefined();
    expect(permanentProduceError(new Error("Connection error"))).toBeUndefined();
  });
});
