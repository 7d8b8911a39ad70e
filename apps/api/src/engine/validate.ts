import { Cron } from 'croner';
import { parseNodeConfig, validateGraph, type GraphIssue, type WorkflowGraph } from '@auterity/workflow-contracts';
import { compileExpression, ExpressionError, templateExpressions } from './expressions';

/** Config fields holding a JSONata expression (not a template). */
const EXPRESSION_FIELDS: Partial<Record<string, string[]>> = {
  transform: ['expression'],
  condition: ['expression'],
  switch: ['expression'],
};

function checkExpression(source: string, nodeId: string, field: string): GraphIssue | null {
  try {
    compileExpression(source);
    return null;
  } catch (err) {
    return { nodeId, field, message: err instanceof ExpressionError ? err.message : 'Invalid expression' };
  }
}

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The next time a cron expression fires after `from`, in its time zone; null when it never does. */
export function nextCronRun(cron: string, timezone: string, from: Date): Date | null {
  return new Cron(cron, { timezone, paused: true }).nextRun(from);
}

/**
 * Everything that can be checked about a graph without the database: the structural checks of
 * the contracts plus expressions that parse, cron expressions and time zones.
 */
export function validateForRun(graph: WorkflowGraph): GraphIssue[] {
  const issues = validateGraph(graph);
  for (const node of graph.nodes) {
    const parsed = parseNodeConfig(node);
    if (!parsed.ok) continue;
    const config = parsed.config;
    for (const field of EXPRESSION_FIELDS[node.type] ?? []) {
      const issue = checkExpression(String(config[field] ?? ''), node.id, `config.${field}`);
      if (issue) issues.push(issue);
    }
    for (const [field, value] of Object.entries(config)) {
      if (EXPRESSION_FIELDS[node.type]?.includes(field)) continue;
      for (const expr of templateExpressions(value)) {
        const issue = checkExpression(expr, node.id, `config.${field}`);
        if (issue) {
          issues.push(issue);
          break;
        }
      }
    }
    if (node.type === 'trigger.schedule') {
      const timezone = String(config['timezone']);
      if (!isTimeZone(timezone)) {
        issues.push({ nodeId: node.id, field: 'config.timezone', message: `Unknown time zone "${timezone}"` });
        continue;
      }
      try {
        if (!nextCronRun(String(config['cron']), timezone, new Date())) {
          issues.push({ nodeId: node.id, field: 'config.cron', message: 'This cron expression never fires' });
        }
      } catch {
        issues.push({ nodeId: node.id, field: 'config.cron', message: 'Invalid cron expression (e.g. "0 9 * * 1-5")' });
      }
    }
  }
  return issues;
}
