import { ViewportPortal, useReactFlow } from '@xyflow/react';
import type { Collaborator, CollaborationStatus } from '../hooks/use-collaboration';
import type { CanvasEdge, CanvasNode } from '../utils/flow-graph';

function initials(name: string): string {
  const parts = name.split(/[\s@.]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts[1]?.[0] ?? '')).toUpperCase();
}

/** One avatar per person with this workflow open (several tabs of one person count once). */
export function CollaboratorAvatars({ collaborators, status }: { collaborators: Collaborator[]; status: CollaborationStatus }) {
  const people = [...new Map(collaborators.map((c) => [c.userId, c])).values()];
  if (people.length === 0 || status !== 'online') return null;
  const names = people.map((p) => p.name).join(', ');
  return (
    <ul className="collaborators" aria-label={`Also here: ${names}`} data-testid="collaborators">
      {people.slice(0, 5).map((person) => (
        <li
          key={person.userId}
          className="collaborators__avatar"
          style={{ background: person.color }}
          title={person.name}
          data-testid="collaborator-avatar"
        >
          <span aria-hidden="true">{initials(person.name)}</span>
          <span className="ds-visually-hidden">{person.name}</span>
        </li>
      ))}
      {people.length > 5 ? <li className="collaborators__more">+{people.length - 5}</li> : null}
    </ul>
  );
}

/** Collaborators' pointers and selected nodes, drawn in the canvas's own coordinates (they pan and zoom with it). */
export function CollaboratorOverlay({ collaborators }: { collaborators: Collaborator[] }) {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  return (
    <ViewportPortal>
      {collaborators.flatMap((c) =>
        c.selection.map((id) => {
          const node = flow.getInternalNode(id);
          if (!node) return null;
          const { x, y } = node.internals.positionAbsolute;
          return (
            <div
              key={`${c.clientId}:${id}`}
              className="collaborator-selection"
              data-testid="collaborator-selection"
              style={{
                transform: `translate(${x - 4}px, ${y - 4}px)`,
                width: (node.measured.width ?? 220) + 8,
                height: (node.measured.height ?? 56) + 8,
                borderColor: c.color,
              }}
            />
          );
        }),
      )}
      {collaborators.map((c) =>
        c.cursor ? (
          <div
            key={c.clientId}
            className="collaborator-cursor"
            data-testid="collaborator-cursor"
            style={{ transform: `translate(${c.cursor.x}px, ${c.cursor.y}px)` }}
          >
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M1 1l5.5 14 2-5.5L14 7.5z" fill={c.color} stroke="#fff" strokeWidth="1" />
            </svg>
            <span className="collaborator-cursor__name" style={{ background: c.color }}>
              {c.name}
            </span>
          </div>
        ) : null,
      )}
    </ViewportPortal>
  );
}
