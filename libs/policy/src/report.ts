import { shortType } from './plan/model.js';
import type { PolicyReport } from './engine.js';
import { formatTable } from './table.js';

/** The printed policy report: summary, violations, suppressions with reasons, unused suppressions. */
export function formatPolicyReport(report: PolicyReport): string {
  const out = [
    `Policy check, ${report.environment}: ${report.rules} rules (${report.rulesApplied} apply here) on ${report.resources} resources: ` +
      `${report.violations.length} violation${report.violations.length === 1 ? '' : 's'}, ${report.suppressed.length} suppressed`,
  ];
  if (report.violations.length) {
    out.push(
      '',
      'VIOLATIONS',
      formatTable(
        ['severity', 'rule', 'layer', 'resource', 'property', 'message'],
        report.violations.map((v) => [v.severity, v.ruleId, v.layer, `${shortType(v.type)} ${v.name}`, v.property, v.message]),
      ),
    );
  }
  if (report.suppressed.length) {
    out.push(
      '',
      'SUPPRESSED (explicit, per resource)',
      formatTable(
        ['rule', 'layer', 'resource', 'property', 'reason'],
        report.suppressed.map((s) => [s.ruleId, s.layer, `${shortType(s.type)} ${s.name}`, s.property, s.reason]),
      ),
    );
  }
  if (report.unusedSuppressions.length) {
    out.push('', `Suppressions that matched nothing in ${report.environment}:`, ...report.unusedSuppressions.map((s) => `  ${s.ruleId} ${s.name}: ${s.reason}`));
  }
  return out.join('\n');
}
