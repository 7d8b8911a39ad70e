import type { DragEvent, KeyboardEvent } from 'react';
import { NODE_TYPE_DEFINITIONS, type NodeType } from '@auterity/workflow-contracts';
import { NODE_DRAG_TYPE, nodeTypesByCategory, paletteTestId } from '../utils/node-registry';
import { NodeIcon } from './node-icon';

interface NodePaletteProps {
  /** Adds a node without dragging (click, Enter or Space), for keyboard and touch users. */
  onAdd: (type: NodeType) => void;
  disabled?: boolean;
}

const SECTIONS = nodeTypesByCategory();

/** The node types grouped by category; each item can be dragged onto the canvas or activated to add it. */
export function NodePalette({ onAdd, disabled = false }: NodePaletteProps) {
  const handleDragStart = (event: DragEvent<HTMLElement>, type: NodeType) => {
    event.dataTransfer.setData(NODE_DRAG_TYPE, type);
    event.dataTransfer.setData('text/plain', type);
    event.dataTransfer.effectAllowed = 'move';
  };
  const handleKeyDown = (event: KeyboardEvent<HTMLElement>, type: NodeType) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onAdd(type);
  };

  return (
    <nav className="node-palette" aria-label="Node palette" data-testid="node-palette">
      <p className="node-palette__hint">Drag onto the canvas, or press Enter to add.</p>
      {SECTIONS.map((section) => (
        <section key={section.category} className="node-palette__section" aria-labelledby={`palette-${section.category}`}>
          <h3 id={`palette-${section.category}`} className="node-palette__heading">
            {section.label}
          </h3>
          <ul className="node-palette__items">
            {section.types.map((type) => {
              const definition = NODE_TYPE_DEFINITIONS[type];
              return (
                <li key={type}>
                  <div
                    role="button"
                    tabIndex={disabled ? -1 : 0}
                    aria-disabled={disabled || undefined}
                    draggable={!disabled}
                    className={`node-palette__item node-palette__item--${definition.category}`}
                    data-testid={paletteTestId(type)}
                    title={definition.description}
                    aria-label={`Add ${definition.label}`}
                    aria-describedby={`palette-desc-${type}`}
                    onDragStart={(event) => handleDragStart(event, type)}
                    onClick={() => !disabled && onAdd(type)}
                    onKeyDown={(event) => !disabled && handleKeyDown(event, type)}
                  >
                    <span className="node-palette__icon">
                      <NodeIcon name={definition.icon} size={16} />
                    </span>
                    <span className="node-palette__text">
                      <span className="node-palette__label">{definition.label}</span>
                      <span id={`palette-desc-${type}`} className="ds-visually-hidden">
                        {definition.description}
                      </span>
                    </span>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </nav>
  );
}
