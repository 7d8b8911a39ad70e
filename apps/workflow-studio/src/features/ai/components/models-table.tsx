import { useId, useState } from 'react';
import { Alert, Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import { UpdateAiModelBodySchema, type AiModelDto, type UpdateAiModelBody } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors } from '../../../utils/error-text';
import { useUpdateAiModel } from '../api/update-ai-model';
import { formatUsd } from '../../../utils/format-money';
import { CAPABILITY_LABELS, formatContextWindow, QUALITY_TIER_LABELS } from '../utils/ai-format';

interface ModelsTableProps {
  models: readonly AiModelDto[];
  /** Platform administrators edit prices and switch models on and off in place. */
  isEditable: boolean;
  busy?: boolean;
}

interface Draft {
  inputPricePerMTok: string;
  outputPricePerMTok: string;
  active: boolean;
}

function draftOf(model: AiModelDto): Draft {
  return { inputPricePerMTok: model.inputPricePerMTok, outputPricePerMTok: model.outputPricePerMTok, active: model.active };
}

/** Only what changed, so an edit never rewrites a field someone else just changed. */
function changesOf(model: AiModelDto, draft: Draft): Partial<Draft> {
  const changes: Partial<Draft> = {};
  if (draft.inputPricePerMTok.trim() !== model.inputPricePerMTok) changes.inputPricePerMTok = draft.inputPricePerMTok.trim();
  if (draft.outputPricePerMTok.trim() !== model.outputPricePerMTok) changes.outputPricePerMTok = draft.outputPricePerMTok.trim();
  if (draft.active !== model.active) changes.active = draft.active;
  return changes;
}

function Availability({ model }: { model: AiModelDto }) {
  if (!model.active) return <Badge tone="warning">Switched off</Badge>;
  if (model.available) return <Badge tone="success">Available</Badge>;
  return <Badge>Needs a key</Badge>;
}

function PriceInput({
  label,
  value,
  error,
  onChange,
  onSave,
  onCancel,
}: {
  label: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  /** Enter saves the row and Escape cancels, as in a spreadsheet. */
  onSave: () => void;
  onCancel: () => void;
}) {
  const errorId = useId();
  return (
    <span className="price-input">
      <input
        className="ds-input"
        aria-label={label}
        inputMode="decimal"
        spellCheck={false}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onSave();
          else if (event.key === 'Escape') onCancel();
        }}
      />
      {error ? (
        <span id={errorId} className="ds-field__error">
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** The model catalog: context window, prices per million tokens, capabilities, tier and availability. */
export function ModelsTable({ models, isEditable, busy }: ModelsTableProps) {
  const update = useUpdateAiModel();
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const startEditing = (model: AiModelDto) => {
    update.reset();
    setErrors({});
    setEditingId(model.id);
    setDraft(draftOf(model));
  };
  const stopEditing = () => {
    setEditingId(null);
    setDraft(null);
    setErrors({});
  };
  const save = (model: AiModelDto) => {
    if (!draft) return;
    const changes = changesOf(model, draft);
    if (Object.keys(changes).length === 0) return stopEditing();
    const parsed = UpdateAiModelBodySchema.safeParse(changes);
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    const body: UpdateAiModelBody = parsed.data;
    update.mutate({ id: model.id, body }, { onSuccess: stopEditing });
  };
  const isEditing = (model: AiModelDto) => editingId === model.id && draft !== null;

  const columns: TableColumn<AiModelDto>[] = [
    {
      id: 'model',
      header: 'Model',
      isRowHeader: true,
      cell: (m) => (
        <span className="cell-stack">
          <span className="cell-name">{m.name}</span>
          <code className="muted small">{m.id}</code>
        </span>
      ),
    },
    { id: 'provider', header: 'Provider', cell: (m) => m.providerName },
    {
      id: 'context',
      header: 'Context',
      align: 'end',
      cell: (m) => <span title={`${m.contextWindow} tokens`}>{formatContextWindow(m.contextWindow)}</span>,
    },
    {
      id: 'input',
      header: (
        <>
          Input <span className="muted small">/ 1M</span>
        </>
      ),
      align: 'end',
      cell: (m) =>
        isEditing(m) && draft ? (
          <PriceInput
            label={`Input price per million tokens of ${m.name}, USD`}
            value={draft.inputPricePerMTok}
            error={errors.inputPricePerMTok}
            onChange={(value) => setDraft({ ...draft, inputPricePerMTok: value })}
            onSave={() => save(m)}
            onCancel={stopEditing}
          />
        ) : (
          <span className="nowrap" data-testid="model-input-price">
            {formatUsd(m.inputPricePerMTok)}
          </span>
        ),
    },
    {
      id: 'output',
      header: (
        <>
          Output <span className="muted small">/ 1M</span>
        </>
      ),
      align: 'end',
      cell: (m) =>
        isEditing(m) && draft ? (
          <PriceInput
            label={`Output price per million tokens of ${m.name}, USD`}
            value={draft.outputPricePerMTok}
            error={errors.outputPricePerMTok}
            onChange={(value) => setDraft({ ...draft, outputPricePerMTok: value })}
            onSave={() => save(m)}
            onCancel={stopEditing}
          />
        ) : (
          <span className="nowrap" data-testid="model-output-price">
            {formatUsd(m.outputPricePerMTok)}
          </span>
        ),
    },
    {
      id: 'capabilities',
      header: 'Capabilities',
      cell: (m) => (
        <span className="badge-list">
          {m.capabilities.map((capability) => (
            <Badge key={capability} tone="info">
              {CAPABILITY_LABELS[capability]}
            </Badge>
          ))}
        </span>
      ),
    },
    {
      id: 'tier',
      header: 'Quality',
      cell: (m) => (
        <span className="nowrap" title={`${QUALITY_TIER_LABELS[m.qualityTier] ?? ''} (tier ${m.qualityTier} of 5)`}>
          <span aria-hidden="true" className="tier-dots">
            {'●'.repeat(m.qualityTier)}
            <span className="tier-dots__rest">{'●'.repeat(5 - m.qualityTier)}</span>
          </span>
          <span className="ds-visually-hidden">
            {QUALITY_TIER_LABELS[m.qualityTier] ?? ''}, tier {m.qualityTier} of 5
          </span>
        </span>
      ),
    },
    {
      id: 'availability',
      header: 'Status',
      cell: (m) =>
        isEditing(m) && draft ? (
          <label className="inline-check">
            <input
              type="checkbox"
              checked={draft.active}
              onChange={(event) => setDraft({ ...draft, active: event.target.checked })}
            />{' '}
            Active
          </label>
        ) : (
          <span className="cell-stack">
            <Availability model={m} />
            {m.observedLatencyMs === null ? null : <span className="muted small">~{Math.round(m.observedLatencyMs)} ms</span>}
          </span>
        ),
    },
  ];
  if (isEditable) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (m) =>
        isEditing(m) ? (
          <span className="row-actions">
            <Button size="sm" loading={update.isPending} onClick={() => save(m)} aria-label={`Save ${m.name}`}>
              Save
            </Button>
            <Button variant="ghost" size="sm" onClick={stopEditing} aria-label={`Cancel editing ${m.name}`}>
              Cancel
            </Button>
          </span>
        ) : (
          <Button variant="ghost" size="sm" onClick={() => startEditing(m)} aria-label={`Edit ${m.name}`}>
            Edit
          </Button>
        ),
    });
  }
  return (
    <>
      {update.isError ? <Alert tone="error">Not saved: {errorText(update.error)}</Alert> : null}
      <div className="models-table">
        <Table
          caption="AI model catalog"
          columns={columns}
          rows={models}
          rowKey={(m) => m.id}
          rowTestId={() => 'model-row'}
          busy={busy}
        />
      </div>
    </>
  );
}
