// The ingester as the fault suite starts it: production's, plus the fault hooks its variables
// arm (INGESTER_FAULT_KILL_AFTER_DB_COMMIT, INGESTER_FAULT_UNSUPPORTED_CODECS). Never deployed as
// the entry point: images run dist/main.js, which wires no hook.
import { exitOnStartFailure, runIngester } from "../ingester-process";
import { killAfterDbCommitFromEnv } from "./kill-after-db-commit";
import { unsupportedCodecsFromEnv } from "./unsupported-codecs";

runIngester({
  afterKafkaCreated: ({ config, logger }) => unsupportedCodecsFromEnv(process.env, logger, config.kafka.max_decompressed_batch_bytes),
  afterDbCommit: ({ logger }) => killAfterDbCommitFromEnv(process.env, logger),
}).catch(exitOnStartFailure);
