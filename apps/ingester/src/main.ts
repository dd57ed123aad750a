import { exitOnStartFailure, runIngester } from "./ingester-process";

runIngester().catch(exitOnStartFailure);
