/** A Plan for unit tests, from the shipped blog scenario, so tests follow the real defaults. */
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { fileURLToPath } from 'node:url';

const file = fileURLToPath(new URL('../../scenarios/blog-xps13.yaml', import.meta.url));
const scenario = await loadScenario(file);

export function testPlan(overrides: Partial<Plan> = {}, guest: 'debian' | 'nixos' = 'debian'): Plan {
  const [plan] = expandPlans(scenario, { guest });
  return { ...plan!, ...overrides };
}
