/** Every kernel-recorded scenario, in recording order. Names are unique (fixture file names). */
import type { Scenario } from '../scenario.ts';
import { dirScenarios } from './dirs.ts';
import { fdScenarios } from './fds.ts';
import { fileScenarios } from './files.ts';
import { mountScenarios } from './mount.ts';
import { multiScenarios } from './multi.ts';
import { permScenarios } from './perms.ts';
import { procScenarios } from './procfs.ts';
import { releaseScenarios } from './release.ts';
import { taskScenarios } from './tasks.ts';

export const SCENARIOS: Scenario[] = [
  ...mountScenarios,
  ...dirScenarios,
  ...taskScenarios,
  ...fileScenarios,
  ...fdScenarios,
  ...releaseScenarios,
  ...permScenarios,
  ...procScenarios,
  ...multiScenarios,
];

const seen = new Set<string>();
for (const sc of SCENARIOS) {
  if (seen.has(sc.name)) throw new Error(`duplicate scenario name ${sc.name}`);
  seen.add(sc.name);
}
