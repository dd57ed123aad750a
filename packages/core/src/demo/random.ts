// A small seeded PRNG (sfc32, seeded through splitmix32) so demo traffic is reproducible:
// the same seed yields the same numbers, the same event ids, the same everything.

const HEX_DIGITS = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
// Character codes of one UUID, hyphens in place. Building the string from codes in one call gives a
// flat string; concatenating hex pieces builds a rope several times larger, which matters when a
// benchmark holds a million ids in memory.
const UUID_CODES: number[] = Array.from("00000000-0000-0000-0000-000000000000", (char) => char.charCodeAt(0));

/** Writes the 8 hex digits of `word` into UUID_CODES from `at`, stepping over a hyphen at `hyphenAt`. */
function writeHex(word: number, at: number, hyphenAt: number): void {
  let position = at;
  for (let shift = 28; shift >= 0; shift -= 4) {
    if (position === hyphenAt) position++;
    UUID_CODES[position++] = HEX_DIGITS[(word >>> shift) & 0xf]!;
  }
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Box–Muller yields two normals per draw; keeping the second halves the cost. */
  private spareNormal: number | null = null;

  /** Only the low 32 bits of `seed` matter. */
  constructor(seed: number) {
    let state = seed >>> 0;
    // splitmix32 spreads a small or sequential seed across all 128 bits of sfc32 state.
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}) needs integers with min <= max`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty array");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (mean 0, standard deviation 1), by Box–Muller. */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const u1 = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** A UUID with version 4 and RFC 4122 variant bits, drawn from this generator (so a seed reproduces it). */
  uuid(): string {
    writeHex(this.uint32(), 0, 8); // xxxxxxxx-
    writeHex(((this.uint32() & 0xffff0fff) | 0x00004000) >>> 0, 9, 13); // xxxx-4xxx: version 4
    writeHex(((this.uint32() & 0x3fffffff) | 0x80000000) >>> 0, 19, 23); // yxxx-xxxx: variant 10xx
    writeHex(this.uint32(), 28, 36); // xxxxxxxx
    return String.fromCharCode.apply(null, UUID_CODES);
  }
}
