// kafkajs-snappy ships no types: a kafkajs codec factory (snappyjs, reading the Xerial framing the Java client writes).
declare module "kafkajs-snappy" {
  const SnappyCodec: () => unknown;
  export default SnappyCodec;
}
