import { type Scenario, sleep } from "./scenario";

function kafkaRestart(signal: "SIGTERM" | "SIGKILL"): Scenario {
  return {
    name: `Kafka restart (${signal})`,
    async inject({ stack, log }) {
      await stack.stopKafka(signal);
      log(`private broker stopped with ${signal}`);
      await sleep(2_000);
      await stack.startKafka();
      log("private broker started again");
    },
  };
}

export const kafkaRestartTerm = kafkaRestart("SIGTERM");
export const kafkaRestartKill = kafkaRestart("SIGKILL");
