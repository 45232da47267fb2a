/**
 * Entry of the CrossGuard policy pack (`npx nx run policy:policy-pack` bundles it into
 * dist/policy-pack/index.js; `preview`, `up` and `deploy` pass that folder with --policy-pack).
 * The other layers' plans are read from dist/synth next to the pack, or TRADAI_POLICY_PLANS.
 */
import { join } from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { buildPolicies } from './policies.js';
import { planContext } from './runner.js';

const plans = process.env['TRADAI_POLICY_PLANS'] ?? join(__dirname, '..', 'synth');

new PolicyPack('tradai', { policies: buildPolicies({ context: planContext(plans) }) });
