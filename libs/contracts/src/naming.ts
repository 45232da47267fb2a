/**
 * Resource naming shared by the stacks (which create the resources) and the runtime tools that
 * address them by name without stack outputs (a strategy's registration: configs bucket,
 * registration topic). One definition; infra-shared's config exposes it as the seed names it.
 */
export const APPLICATION = 'tradai';

/** `tradai-<component>-<env>`; underscores become hyphens (`workflow_state` -> `tradai-workflow-state-dev`). */
export function getResourceName(component: string, env: string): string {
  return `${APPLICATION}-${component.replaceAll('_', '-')}-${env}`;
}
