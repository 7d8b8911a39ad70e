import { useId, useState } from 'react';
import { Link } from 'react-router';
import { Button, TextField } from '@auterity/design-system';
import type { AiModelDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useAiModels } from '../api/get-ai-models';
import { formatUsd } from '../../../utils/format-money';
import { formatContextWindow, QUALITY_TIER_LABELS } from '../utils/ai-format';
import { AUTO_SELECTORS, groupModelsByProvider, isAutoSelector, modelOptionLabel, type ModelGroup } from '../utils/model-options';
import '../ai.css';

/** The schema's limit on `fallbacks`. */
const FALLBACKS_MAX = 5;

interface ModelPickerProps {
  /** The AI node's whole config; the picker edits `model`, `fallbacks` and `maxPricePerMTok`. */
  config: Record<string, unknown>;
  issues: Record<string, string>;
  readOnly: boolean;
  onChange: (config: Record<string, unknown>) => void;
}

const AUTO_HINTS: Record<string, string> = {
  auto: 'The router picks the cheapest available model that can do the job.',
  'auto:cheapest': 'The router picks the cheapest available model that can do the job.',
  'auto:fastest': 'The router picks the model with the lowest latency observed here.',
  'auto:best': 'The router picks the highest-quality available model, within the price cap below if you set one.',
};

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function describeSelector(selector: string, byId: ReadonlyMap<string, AiModelDto>): string {
  if (isAutoSelector(selector)) return AUTO_HINTS[selector] ?? 'The router picks a model.';
  const model = byId.get(selector);
  if (!model) return 'This model is not in the catalog; the run will fail unless a fallback works.';
  const facts = `${formatContextWindow(model.contextWindow)} context · ${formatUsd(model.inputPricePerMTok)} in / ${formatUsd(
    model.outputPricePerMTok,
  )} out per 1M tokens · ${QUALITY_TIER_LABELS[model.qualityTier] ?? `tier ${model.qualityTier}`}`;
  return model.available ? facts : `${facts}. Unavailable: add a ${model.providerName} key first.`;
}

/** The `<option>`s of a model select: auto policies, then catalog models by provider (unavailable ones disabled). */
function SelectorOptions({
  groups,
  exclude,
  extra,
  isLoading,
}: {
  groups: readonly ModelGroup[];
  exclude: ReadonlySet<string>;
  /** A current value the catalog does not list, kept selectable so it is not silently changed. */
  extra: string | null;
  isLoading: boolean;
}) {
  return (
    <>
      <optgroup label="Let the router choose">
        {AUTO_SELECTORS.filter((s) => !exclude.has(s.value)).map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </optgroup>
      {extra ? (
        <optgroup label="Current value">
          <option value={extra}>{extra} (not in the catalog)</option>
        </optgroup>
      ) : null}
      {isLoading ? (
        <option disabled value="">
          Loading models…
        </option>
      ) : null}
      {groups.map((group) => (
        <optgroup key={group.provider} label={group.providerName}>
          {group.models
            .filter((m) => !exclude.has(m.id))
            .map((m) => (
              <option key={m.id} value={m.id} disabled={!m.available}>
                {modelOptionLabel(m)}
              </option>
            ))}
        </optgroup>
      ))}
    </>
  );
}

/**
 * The AI node's model choice: an auto policy or a catalog model, the fallbacks tried in order when
 * it fails, and, for `auto:best`, a price cap. Unavailable models are listed but cannot be picked.
 */
export function ModelPicker({ config, issues, readOnly, onChange }: ModelPickerProps) {
  const models = useAiModels();
  const id = useId();
  const [pendingFallback, setPendingFallback] = useState('');
  const model = typeof config.model === 'string' && config.model !== '' ? config.model : 'auto';
  const fallbacks = stringList(config.fallbacks);
  const maxPrice = typeof config.maxPricePerMTok === 'number' ? config.maxPricePerMTok : undefined;
  const catalog = models.data ?? [];
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const groups = groupModelsByProvider(catalog);
  const isKnown = (selector: string) => isAutoSelector(selector) || byId.has(selector) || models.isPending;
  const modelError = issues.model;
  const fallbacksError = issues.fallbacks;

  const update = (patch: Record<string, unknown>) => {
    const next = { ...config, ...patch };
    for (const [key, value] of Object.entries(patch)) if (value === undefined) delete next[key];
    onChange(next);
  };
  const setModel = (selector: string) =>
    // The price cap only means something to auto:best; drop it rather than keep a hidden setting.
    update({ model: selector, ...(selector === 'auto:best' ? {} : { maxPricePerMTok: undefined }) });
  const setFallbacks = (next: string[]) => update({ fallbacks: next.length > 0 ? next : undefined });
  const moveFallback = (index: number, delta: -1 | 1) => {
    const next = [...fallbacks];
    const [item] = next.splice(index, 1);
    if (item === undefined) return;
    next.splice(index + delta, 0, item);
    setFallbacks(next);
  };
  const addFallback = () => {
    if (!pendingFallback || fallbacks.length >= FALLBACKS_MAX) return;
    setFallbacks([...fallbacks, pendingFallback]);
    setPendingFallback('');
  };

  const fallbackLabel = (selector: string) =>
    AUTO_SELECTORS.find((s) => s.value === selector)?.label ?? byId.get(selector)?.name ?? selector;
  const selectId = `${id}-model`;
  const hintId = `${id}-model-hint`;
  const catalogNote = models.isError ? ` The catalog did not load: ${errorText(models.error)}` : '';

  return (
    <div className="model-picker stack-form">
      <div className="ds-field">
        <label className="ds-field__label" htmlFor={selectId}>
          Model
        </label>
        <select
          id={selectId}
          className="ds-input ds-select"
          data-testid="ai-model-picker"
          value={model}
          disabled={readOnly}
          aria-invalid={modelError ? true : undefined}
          aria-describedby={hintId}
          onChange={(event) => setModel(event.target.value)}
        >
          <SelectorOptions
            groups={groups}
            exclude={new Set()}
            extra={isKnown(model) ? null : model}
            isLoading={models.isPending}
          />
        </select>
        <span id={hintId} className={modelError ? 'ds-field__error' : 'ds-field__hint'} data-testid="ai-model-hint">
          {modelError ?? `${describeSelector(model, byId)}${catalogNote}`}
        </span>
        {!isAutoSelector(model) && byId.get(model)?.available === false ? (
          <Link to="/ai/providers" className="small">
            Add a key in AI providers
          </Link>
        ) : null}
      </div>

      {model === 'auto:best' ? (
        <TextField
          label="Max output price (USD per 1M tokens, optional)"
          type="number"
          inputMode="decimal"
          min={0}
          max={10_000}
          step="any"
          readOnly={readOnly}
          data-testid="ai-max-price"
          value={maxPrice === undefined ? '' : String(maxPrice)}
          hint="Only models whose output price is at most this are considered."
          {...(issues.maxPricePerMTok ? { error: issues.maxPricePerMTok } : {})}
          onChange={(event) => {
            const raw = event.target.value;
            const parsed = raw === '' ? undefined : Number(raw);
            update({ maxPricePerMTok: parsed === undefined || Number.isNaN(parsed) ? undefined : parsed });
          }}
        />
      ) : null}

      <fieldset className="model-picker__fallbacks" data-testid="ai-fallbacks" aria-describedby={`${id}-fallbacks-hint`}>
        <legend className="ds-field__label">
          Fallbacks <span className="field-optional">(optional)</span>
        </legend>
        <span id={`${id}-fallbacks-hint`} className={fallbacksError ? 'ds-field__error' : 'ds-field__hint'}>
          {fallbacksError ?? `Tried in this order when the model fails (rate limit, outage, timeout). Up to ${FALLBACKS_MAX}.`}
        </span>
        {fallbacks.length > 0 ? (
          <ol className="fallback-list">
            {fallbacks.map((selector, index) => (
              <li key={`${selector}-${index}`} className="fallback-list__item">
                <span className="fallback-list__name">
                  {fallbackLabel(selector)}
                  {isKnown(selector) ? null : <span className="ds-field__error"> (not in the catalog)</span>}
                  {byId.get(selector)?.available === false ? <span className="muted small"> (unavailable)</span> : null}
                </span>
                {readOnly ? null : (
                  <span className="row-actions">
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move ${fallbackLabel(selector)} up`}
                      disabled={index === 0}
                      onClick={() => moveFallback(index, -1)}
                    >
                      ↑
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      aria-label={`Move ${fallbackLabel(selector)} down`}
                      disabled={index === fallbacks.length - 1}
                      onClick={() => moveFallback(index, 1)}
                    >
                      ↓
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      className="danger-text"
                      aria-label={`Remove fallback ${fallbackLabel(selector)}`}
                      onClick={() => setFallbacks(fallbacks.filter((_, i) => i !== index))}
                    >
                      ✕
                    </Button>
                  </span>
                )}
              </li>
            ))}
          </ol>
        ) : null}
        {readOnly || fallbacks.length >= FALLBACKS_MAX ? null : (
          <div className="model-picker__add">
            <label className="ds-visually-hidden" htmlFor={`${id}-fallback`}>
              Fallback to add
            </label>
            <select
              id={`${id}-fallback`}
              className="ds-input ds-select"
              data-testid="ai-fallback-select"
              value={pendingFallback}
              onChange={(event) => setPendingFallback(event.target.value)}
            >
              <option value="">Choose a fallback…</option>
              <SelectorOptions
                groups={groups}
                exclude={new Set([model, ...fallbacks])}
                extra={null}
                isLoading={models.isPending}
              />
            </select>
            <Button variant="secondary" size="sm" disabled={!pendingFallback} data-testid="ai-fallback-add" onClick={addFallback}>
              Add
            </Button>
          </div>
        )}
      </fieldset>
    </div>
  );
}
