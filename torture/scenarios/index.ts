// Every scenario of the suite, in the order they run.
import type { Profile, ScenarioResult } from '../lib';
import { crashScenario } from './crash';
import { diskScenario } from './disk';
import { duplicatesScenario } from './duplicates';
import { fuzzScenario } from './fuzz';
import { skewScenario } from './skew';
import { slowScenario } from './slow';
import { soakScenario } from './soak';

export interface Scenario {
  id: string;
  run: (profile: Profile) => Promise<ScenarioResult>;
}

export const SCENARIOS: Scenario[] = [
  { id: 'crash', run: crashScenario },
  { id: 'duplicates', run: duplicatesScenario },
  { id: 'skew', run: skewScenario },
  { id: 'slow', run: slowScenario },
  { id: 'fuzz', run: fuzzScenario },
  { id: 'disk', run: diskScenario },
  { id: 'soak', run: soakScenario },
];
