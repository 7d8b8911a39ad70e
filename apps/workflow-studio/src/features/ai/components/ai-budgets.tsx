import { Alert, Spinner, Table, type TableColumn } from '@auterity/design-system';
import type { AiBudgetDto } from '@auterity/workflow-contracts';
import { usePermission } from '../../../hooks/use-permission';
import { errorText } from '../../../utils/error-text';
import { useAiBudgets } from '../api/get-ai-budgets';
import { formatUsd } from '../../../utils/format-money';
import { BudgetForm } from './budget-form';
import '../ai.css';

const SCOPE_LABELS: Record<AiBudgetDto['scope'], string> = {
  organization: 'Organization',
  workflow: 'Workflow',
  api_key: 'API key',
};

/** The organization's monthly AI budget (editable by owners and admins) and any narrower limits. */
export function AiBudgets() {
  const canEdit = usePermission('billing:manage');
  const budgets = useAiBudgets();
  const organization = budgets.data?.find((b) => b.scope === 'organization');
  const others = budgets.data?.filter((b) => b.scope !== 'organization') ?? [];
  const columns: TableColumn<AiBudgetDto>[] = [
    { id: 'scope', header: 'Applies to', isRowHeader: true, cell: (b) => SCOPE_LABELS[b.scope] },
    { id: 'id', header: 'Id', cell: (b) => <code className="small">{b.scopeId}</code> },
    { id: 'limit', header: 'Monthly limit', align: 'end', cell: (b) => (b.monthlyLimitUsd ? formatUsd(b.monthlyLimitUsd) : '—') },
    { id: 'spent', header: 'Spent', align: 'end', cell: (b) => formatUsd(b.spentUsd) },
    { id: 'percent', header: 'Used', align: 'end', cell: (b) => (b.percent === null ? '—' : `${Math.round(b.percent)}%`) },
  ];
  return (
    <section className="ai-section" aria-labelledby="budget-title">
      <h2 id="budget-title" className="section-title">
        Monthly budget
      </h2>
      {budgets.isPending ? (
        <Spinner size="sm" label="Loading the budget" />
      ) : budgets.isError ? (
        <Alert tone="error">{errorText(budgets.error)}</Alert>
      ) : organization ? (
        <BudgetForm budget={organization} canEdit={canEdit} />
      ) : (
        <p className="muted">No budget is set up for this organization.</p>
      )}
      {others.length > 0 ? (
        <Table
          caption="Workflow and API key limits"
          isCaptionVisible
          columns={columns}
          rows={others}
          rowKey={(b) => `${b.scope}:${b.scopeId}`}
        />
      ) : null}
    </section>
  );
}
