import { useLayoutEffect, useRef, useState, type FocusEvent, type ReactNode } from 'react';
import { Checkbox, Select, TextField } from '@auterity/design-system';
import type { NodeType } from '@auterity/workflow-contracts';
import { configFields, type ConfigField } from '../utils/config-fields';
import type { ExpressionReference } from '../utils/expression-references';
import { ExpressionHints } from './expression-hints';

/** What a custom config widget gets: the whole config, so it can edit several related fields at once. */
export interface ConfigWidgetProps {
  nodeId: string;
  config: Record<string, unknown>;
  issues: Record<string, string>;
  readOnly: boolean;
  onChange: (config: Record<string, unknown>) => void;
}

/**
 * A part of a node's form drawn by the app instead of the generated inputs, for fields that need
 * server data (e.g. the AI model catalog). Given by the route, so the canvas never fetches it.
 */
export interface ConfigWidget {
  /** The config fields it edits; it is drawn where the first of them would be, the others are skipped. */
  fields: readonly string[];
  render: (props: ConfigWidgetProps) => ReactNode;
}

/** Widgets by node type: one, or several for separate groups of fields (a model picker and a credential picker). */
export type ConfigWidgets = Readonly<Partial<Record<NodeType, ConfigWidget | readonly ConfigWidget[]>>>;

function widgetsOf(widgets: ConfigWidgets | undefined, type: NodeType): readonly ConfigWidget[] {
  const entry = widgets?.[type];
  if (!entry) return [];
  return 'render' in entry ? [entry] : entry;
}

interface ConfigFormProps {
  nodeId: string;
  type: NodeType;
  config: Record<string, unknown>;
  /** Problems by field, from the config schema (and the last run's validation). */
  issues: Record<string, string>;
  onChange: (config: Record<string, unknown>) => void;
  readOnly?: boolean;
  widgets?: ConfigWidgets;
  /** `{{ }}` references available at this node, offered as chips beside the focused template field. */
  references?: readonly ExpressionReference[];
}

/** Text fields that are not `{{ }}` templates (schedules, JSONata, identifiers). */
const NON_TEMPLATE_FIELDS = new Set(['cron', 'timezone', 'expression', 'model']);

/** `data-testid` of the first text input of the form, which the product spec's scenarios fill. */
const FIRST_TEXT_TEST_ID = 'node-config-input';

function withValue(config: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  const next = { ...config };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

/** Text shown for a JSON-edited value: strings as they are (templates), anything else as JSON. */
function jsonText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/**
 * A value typed into a JSON field: JSON when it parses; otherwise plain text, except for fields
 * whose schema needs structure (objects, lists), which report the syntax error instead.
 */
function parseJsonInput(text: string, isStructured: boolean): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return isStructured ? { ok: false } : { ok: true, value: text };
  }
}

const STRUCTURED_FIELDS = new Set(['headers', 'query', 'cases']);

function JsonField({
  field,
  value,
  error,
  onChange,
  readOnly,
  inputId,
}: {
  field: Extract<ConfigField, { kind: 'json' }>;
  value: unknown;
  error: string | undefined;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  inputId: string;
}) {
  const [text, setText] = useState(() => jsonText(value));
  const [syntaxError, setSyntaxError] = useState<string | null>(null);
  const message = syntaxError ?? error;
  return (
    <div className="ds-field">
      <label className="ds-field__label" htmlFor={inputId}>
        {field.label}
        {field.required ? null : <span className="field-optional"> (optional)</span>}
      </label>
      <textarea
        id={inputId}
        className="ds-input code-input"
        rows={4}
        spellCheck={false}
        value={text}
        readOnly={readOnly}
        aria-invalid={message ? true : undefined}
        aria-describedby={`${inputId}-hint`}
        onChange={(event) => {
          setText(event.target.value);
          const parsed = parseJsonInput(event.target.value, STRUCTURED_FIELDS.has(field.name));
          if (!parsed.ok) return setSyntaxError('Not valid JSON yet');
          setSyntaxError(null);
          onChange(parsed.value);
        }}
      />
      <span id={`${inputId}-hint`} className={message ? 'ds-field__error' : 'ds-field__hint'}>
        {message ?? field.description ?? 'JSON'}
      </span>
    </div>
  );
}

/**
 * The config form of a node, generated from its type's contract schema: strings become inputs or
 * textareas, enums selects, numbers number inputs, booleans checkboxes, and anything structured a
 * JSON textarea. Every change is written to the node at once; the schema's messages show inline.
 */
export function ConfigForm({ nodeId, type, config, issues, onChange, readOnly = false, widgets, references }: ConfigFormProps) {
  const fields = configFields(type);
  const typeWidgets = widgetsOf(widgets, type);
  const widgetOf = (name: string) => typeWidgets.find((w) => w.fields.includes(name));
  const firstText = fields.find((f) => f.kind === 'text' && !widgetOf(f.name))?.name;
  const firstTemplate = fields.find((f) => f.kind === 'text' && !widgetOf(f.name) && !NON_TEMPLATE_FIELDS.has(f.name))?.name;
  // The hints sit beside the template field used last (the first one until another is focused).
  const [hintField, setHintField] = useState(firstTemplate);
  const fieldElements = useRef(new Map<string, HTMLInputElement | HTMLTextAreaElement>());
  // Where the caret goes once an inserted reference is in the field (set in the same commit, so
  // keys typed right after the click land behind the reference).
  const pendingCaret = useRef<{ element: HTMLInputElement | HTMLTextAreaElement; position: number } | null>(null);
  useLayoutEffect(() => {
    const pending = pendingCaret.current;
    if (!pending) return;
    pendingCaret.current = null;
    pending.element.focus();
    pending.element.setSelectionRange(pending.position, pending.position);
  });
  if (fields.length === 0) return <p className="muted small">This node has nothing to configure.</p>;

  const handleTemplateFocus = (name: string) => (event: FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    fieldElements.current.set(name, event.currentTarget);
    setHintField(name);
  };

  const insertReference = (name: string, template: string) => {
    const current = typeof config[name] === 'string' ? config[name] : '';
    const element = fieldElements.current.get(name);
    const start = element?.selectionStart ?? current.length;
    const end = element?.selectionEnd ?? current.length;
    onChange(withValue(config, name, `${current.slice(0, start)}${template}${current.slice(end)}`));
    if (element) pendingCaret.current = { element, position: start + template.length };
  };

  const hintsFor = (field: ConfigField) =>
    !readOnly && references && references.length > 0 && field.name === hintField ? (
      <ExpressionHints
        references={references}
        fieldLabel={field.label}
        onInsert={(template) => insertReference(field.name, template)}
      />
    ) : null;
  const isTemplate = (field: ConfigField) => !NON_TEMPLATE_FIELDS.has(field.name);

  return (
    <div className="stack-form">
      {fields.map((field) => {
        const widget = widgetOf(field.name);
        if (widget) {
          if (field.name !== widget.fields[0]) return null;
          return (
            <div key={field.name} className="config-widget">
              {widget.render({ nodeId, config, issues, readOnly, onChange })}
            </div>
          );
        }
        const value = config[field.name];
        const error = issues[field.name];
        const inputId = `config-${nodeId}-${field.name}`;
        const optional = 'required' in field && !field.required ? ' (optional)' : '';
        switch (field.kind) {
          case 'text': {
            const onFocus = isTemplate(field) ? handleTemplateFocus(field.name) : undefined;
            const input = field.multiline ? (
              <div className="ds-field">
                <label className="ds-field__label" htmlFor={inputId}>
                  {field.label}
                  {optional ? <span className="field-optional">{optional}</span> : null}
                </label>
                <textarea
                  id={inputId}
                  className="ds-input code-input"
                  rows={field.name === 'expression' ? 3 : 5}
                  value={typeof value === 'string' ? value : ''}
                  readOnly={readOnly}
                  data-testid={field.name === firstText ? FIRST_TEXT_TEST_ID : undefined}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={`${inputId}-hint`}
                  onFocus={onFocus}
                  onChange={(event) => onChange(withValue(config, field.name, event.target.value))}
                />
                <span id={`${inputId}-hint`} className={error ? 'ds-field__error' : 'ds-field__hint'}>
                  {error ?? field.description ?? ''}
                </span>
              </div>
            ) : (
              <TextField
                label={`${field.label}${optional}`}
                value={typeof value === 'string' ? value : ''}
                readOnly={readOnly}
                spellCheck={false}
                onFocus={onFocus}
                data-testid={field.name === firstText ? FIRST_TEXT_TEST_ID : undefined}
                {...(field.description ? { hint: field.description } : {})}
                {...(error ? { error } : {})}
                onChange={(event) =>
                  onChange(
                    withValue(config, field.name, event.target.value === '' && !field.required ? undefined : event.target.value),
                  )
                }
              />
            );
            return (
              <div key={field.name} className="config-field">
                {input}
                {hintsFor(field)}
              </div>
            );
          }
          case 'number':
            return (
              <TextField
                key={field.name}
                label={`${field.label}${optional}`}
                type="number"
                inputMode={field.isInt ? 'numeric' : 'decimal'}
                step={field.isInt ? 1 : 'any'}
                min={field.min}
                max={field.max}
                readOnly={readOnly}
                value={typeof value === 'number' ? String(value) : ''}
                {...(field.description ? { hint: field.description } : {})}
                {...(error ? { error } : {})}
                onChange={(event) => {
                  const raw = event.target.value;
                  const parsed = raw === '' ? undefined : Number(raw);
                  onChange(withValue(config, field.name, parsed !== undefined && Number.isNaN(parsed) ? undefined : parsed));
                }}
              />
            );
          case 'boolean':
            return (
              <Checkbox
                key={field.name}
                label={field.label}
                disabled={readOnly}
                checked={value === true}
                {...(field.description ? { description: field.description } : {})}
                onChange={(event) => onChange(withValue(config, field.name, event.target.checked))}
              />
            );
          case 'enum':
            return (
              <Select
                key={field.name}
                label={field.label}
                disabled={readOnly}
                value={typeof value === 'string' ? value : (field.defaultValue ?? field.options[0] ?? '')}
                options={field.options.map((option) => ({ value: option, label: option }))}
                {...(error ? { error } : {})}
                onChange={(event) => onChange(withValue(config, field.name, event.target.value))}
              />
            );
          case 'json':
            return (
              <JsonField
                key={`${nodeId}-${field.name}`}
                field={field}
                value={value}
                error={error}
                readOnly={readOnly}
                inputId={inputId}
                onChange={(next) => onChange(withValue(config, field.name, next))}
              />
            );
        }
      })}
    </div>
  );
}
