import type { ExpressionReference } from '../utils/expression-references';

interface ExpressionHintsProps {
  references: readonly ExpressionReference[];
  /** Inserts the template where the field's cursor is. */
  onInsert: (template: string) => void;
  /** The field the chips write into, for their accessible name. */
  fieldLabel: string;
}

const GROUP_TITLES = { trigger: 'Run input', input: 'Incoming value', node: 'Earlier nodes' } as const;

/** Clickable `{{ }}` references for a template field; a chip inserts its reference at the cursor. */
export function ExpressionHints({ references, onInsert, fieldLabel }: ExpressionHintsProps) {
  const groups = (['trigger', 'input', 'node'] as const)
    .map((group) => ({ group, items: references.filter((r) => r.group === group) }))
    .filter((g) => g.items.length > 0);
  return (
    <div className="expression-hints" data-testid="expression-hints" role="group" aria-label={`Insert into ${fieldLabel}`}>
      {groups.map(({ group, items }) => (
        <div key={group} className="expression-hints__group">
          <span className="expression-hints__title">{GROUP_TITLES[group]}</span>
          {items.map((reference) => (
            <button
              key={reference.template}
              type="button"
              className="expression-hints__chip"
              title={`${reference.description}: ${reference.template}`}
              aria-label={`Insert ${reference.template} (${reference.description})`}
              data-template={reference.template}
              // Keep focus and the caret in the field the chip writes into.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onInsert(reference.template)}
            >
              {reference.label}
            </button>
          ))}
        </div>
      ))}
    </div>
  );
}
