import { createHash } from "node:crypto";

/** Cases are generated in chunks, each from its own seed derived from the run's seed. */
export const CHUNK = 250;

/** The fast-check seed of one chunk of one channel (a 31-bit integer). */
export function chunkSeed(seed: number, channel: string, chunk: number): number {
  return createHash("sha256").update(`${seed}/${channel}/${chunk}`).digest().readUInt32BE(0) >>> 1;
}

/**
 * Successive UUIDs unique to one case (version 4 layout, derived from seed, channel and case, so a
 * replay sends the same ids); they stand in for FRESH_ID in generated bodies.
 */
export function freshIds(seed: number, channel: string, index: number): () => string {
  let n = 0;
  return () => {
    const hex = createHash("sha256").update(`${seed}/${channel}/${index}/${n++}`).digest("hex");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}
