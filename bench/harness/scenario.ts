import type { Row } from './report';

export interface ScenarioContext {
  quick: boolean;
  /** Records the peak RSS (MiB) of a process other than this one (children, the Kafka broker). */
  memory(process: string, mib: number | undefined): void;
}

export interface Scenario {
  id: number;
  title: string;
  run(ctx: ScenarioContext): Promise<Row[]>;
}
