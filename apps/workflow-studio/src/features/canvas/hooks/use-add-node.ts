import { useCallback } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { NodeType } from '@auterity/workflow-contracts';
import type { CanvasNode } from '../utils/flow-graph';
import type { CanvasState } from './use-canvas-state';

// A node's footprint before React Flow has measured it, with a margin so new nodes never touch.
const NODE_WIDTH = 220;
const NODE_HEIGHT = 64;
const GAP = 24;

function overlaps(nodes: readonly CanvasNode[], x: number, y: number): boolean {
  return nodes.some((n) => {
    const width = n.measured?.width ?? NODE_WIDTH;
    const height = n.measured?.height ?? NODE_HEIGHT;
    return (
      x < n.position.x + width + GAP &&
      x + NODE_WIDTH + GAP > n.position.x &&
      y < n.position.y + height + GAP &&
      y + NODE_HEIGHT + GAP > n.position.y
    );
  });
}

/**
 * The free spot nearest to `center` (stepping below, above, then to the sides), so a node added
 * without dragging never hides another one.
 */
export function freeSpotNear(nodes: readonly CanvasNode[], center: { x: number; y: number }): { x: number; y: number } {
  const stepY = NODE_HEIGHT + GAP;
  const stepX = NODE_WIDTH + GAP;
  for (let ring = 0; ring < 8; ring++) {
    for (const [dx, dy] of [
      [0, ring],
      [0, -ring],
      [ring, 0],
      [-ring, 0],
      [ring, ring],
      [-ring, ring],
    ] as const) {
      const x = Math.round(center.x + dx * stepX);
      const y = Math.round(center.y + dy * stepY);
      if (!overlaps(nodes, x, y)) return { x, y };
    }
  }
  return center;
}

/**
 * Adds a node in the middle of the visible canvas, or the nearest free spot: the palette's click
 * and Enter path, for keyboard and touch users who cannot drag.
 */
export function useAddNodeAtCenter(canvas: CanvasState) {
  const store = useStoreApi<CanvasNode>();
  const { addNode, nodes } = canvas;
  return useCallback(
    (type: NodeType) => {
      const { width, height, transform } = store.getState();
      const [x, y, zoom] = transform;
      const center = { x: (width / 2 - x) / zoom - NODE_WIDTH / 2, y: (height / 2 - y) / zoom - NODE_HEIGHT / 2 };
      return addNode(type, freeSpotNear(nodes, center));
    },
    [store, addNode, nodes],
  );
}
