import { useId, useMemo, useState } from 'react';
import { Button, Select } from '@auterity/design-system';
import { NODE_TYPE_DEFINITIONS } from '@auterity/workflow-contracts';
import type { Connection } from '@xyflow/react';
import { connectableTargets } from '../hooks/use-connection-rules';
import type { CanvasEdge, CanvasNode } from '../utils/flow-graph';

export interface NodeConnectionsProps {
  node: CanvasNode;
  nodes: readonly CanvasNode[];
  edges: readonly CanvasEdge[];
  readOnly?: boolean;
  onConnect: (connection: Connection) => void;
  onDisconnect: (edgeId: string) => void;
}

function nodeName(node: CanvasNode): string {
  const type = node.type ?? 'text';
  return node.data.label || `${NODE_TYPE_DEFINITIONS[type].label} (${node.id})`;
}

/** A choice's value: the output handle and the target, since a branching node has several outputs. */
function choiceValue(handle: string, targetId: string): string {
  return JSON.stringify([handle, targetId]);
}

function parseChoice(value: string): { handle: string; target: string } | null {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null;
  return { handle: parsed[0], target: parsed[1] };
}

/**
 * The selected node's outgoing connections, and a "Connect to…" picker that draws an edge without
 * dragging between handles: the keyboard path for connecting nodes. It offers only the targets the
 * canvas's own connection rules accept.
 */
export function NodeConnections({ node, nodes, edges, readOnly = false, onConnect, onDisconnect }: NodeConnectionsProps) {
  const headingId = useId();
  const [choice, setChoice] = useState('');
  const type = node.type ?? 'text';
  const outputs = NODE_TYPE_DEFINITIONS[type].outputs(node.data.config);
  const outgoing = edges.filter((e) => e.source === node.id);
  // Dragging moves nodes on every frame; the choices depend only on which nodes exist, their names
  // and the edges, so they are recomputed only when those change.
  const namesKey = nodes.map((n) => `${n.id}\u0000${n.type ?? ''}\u0000${n.data.label ?? ''}`).join('\u0001');
  const nodesRef = useMemo(() => nodes, [namesKey]);
  const byId = useMemo(() => new Map(nodesRef.map((n) => [n.id, n])), [nodesRef]);
  const options = useMemo(
    () =>
      outputs.flatMap((handle) =>
        connectableTargets(nodesRef, edges, node, outputs.length > 1 ? handle : null).map((target) => ({
          value: choiceValue(handle, target.id),
          label: outputs.length > 1 ? `${handle} → ${nodeName(target)}` : nodeName(target),
        })),
      ),
    [node.id, node.data.config, nodesRef, edges],
  );
  const selected = options.some((o) => o.value === choice) ? choice : (options[0]?.value ?? '');

  const handleConnect = () => {
    const parsed = selected ? parseChoice(selected) : null;
    if (!parsed) return;
    onConnect({
      source: node.id,
      target: parsed.target,
      sourceHandle: outputs.length > 1 ? parsed.handle : null,
      targetHandle: null,
    });
    setChoice('');
  };

  if (outputs.length === 0) return null;
  return (
    <section className="node-connections" aria-labelledby={headingId} data-testid="node-connections">
      <h3 id={headingId} className="node-connections__title">
        Connections
      </h3>
      {outgoing.length === 0 ? (
        <p className="node-connections__empty">This node does not lead anywhere yet.</p>
      ) : (
        <ul className="node-connections__list">
          {outgoing.map((edge) => {
            const target = byId.get(edge.target);
            const name = target ? nodeName(target) : edge.target;
            return (
              <li key={edge.id} data-testid="node-connection">
                <span>
                  {edge.sourceHandle ? `${edge.sourceHandle} → ` : '→ '}
                  {name}
                </span>
                {readOnly ? null : (
                  <Button variant="ghost" size="sm" aria-label={`Disconnect from ${name}`} onClick={() => onDisconnect(edge.id)}>
                    Disconnect
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {readOnly ? null : options.length === 0 ? (
        <p className="node-connections__empty">No other node can take this node&apos;s output. Add one from the palette.</p>
      ) : (
        <div className="node-connections__add">
          <Select
            label="Connect to…"
            value={selected}
            options={options}
            data-testid="connect-target-select"
            onChange={(event) => setChoice(event.target.value)}
          />
          <Button variant="secondary" size="sm" data-testid="connect-node-button" onClick={handleConnect}>
            Connect
          </Button>
        </div>
      )}
    </section>
  );
}
