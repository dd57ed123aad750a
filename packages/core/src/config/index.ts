export { ConfigError } from "./config-error";
export { formatDuration, parseDuration } from "./duration";
export { ENV_OVERRIDES } from "./env-overrides";
export { loadConfig, loadConfigOrExit, type LoadConfigOptions, type LoadedConfig } from "./load-config";
export { type Config, configSchema, MAX_GAP_FACTOR, MIN_GAP_FACTOR } from "./schema";
export { DEFAULT_DIMENSIONS, DEFAULT_MEASURES, type RollupDimensionConfig, type RollupMeasureConfig } from "./rollup-schema";
