// snappyjs ships no types: raw snappy blocks; a Buffer in gives a Buffer out.
declare module "snappyjs" {
  const snappyjs: { compress(input: Buffer): Buffer; uncompress(input: Buffer): Buffer };
  export default snappyjs;
}
