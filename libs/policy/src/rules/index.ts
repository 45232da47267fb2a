import { DATABASE_RULES } from './database.js';
import { EDGE_RULES } from './edge.js';
import { IAM_RULES } from './iam.js';
import { MESSAGING_RULES } from './messaging.js';
import { NETWORK_RULES } from './network.js';
import { SERVERLESS_RULES } from './serverless.js';
import { STORAGE_RULES } from './storage.js';
import type { Rule } from './types.js';

/** Every rule, by area; ids are unique (checked at load: a duplicate is a programming error). */
export const RULES: readonly Rule[] = [...STORAGE_RULES, ...DATABASE_RULES, ...NETWORK_RULES, ...MESSAGING_RULES, ...SERVERLESS_RULES, ...IAM_RULES, ...EDGE_RULES];

const seen = new Set<string>();
for (const rule of RULES) {
  if (seen.has(rule.id)) throw new Error(`policy rule id ${rule.id} is defined twice`);
  seen.add(rule.id);
}

export * from './types.js';
export { securityGroupRules } from './network.js';
export { dlqUsers, redriveOf, sourcesOfDlq, MIN_MAX_RECEIVE_COUNT } from './messaging.js';
export { tasksWithoutTimeout, alarmsInRule } from './serverless.js';
export { RESOURCE_STAR_ACTIONS, isResourceStarAction, identityPolicies } from './iam.js';
export { serviceKeyOf, containersOf } from './edge.js';
