import { useCallback, useRef } from 'react';
import { useStoreApi } from '@xyflow/react';
import type { NodeType } from '@auterity/workflow-contracts';
import type { CanvasState } from './use-canvas-state';

// Nodes added in a row without dragging step down and right so they never hide each other.
const CASCADE_PX = 32;
const NODE_HALF_WIDTH = 110;

/**
 * Adds a node in the middle of the visible canvas: the palette's click and Enter path, for
 * keyboard and touch users who cannot drag.
 */
export function useAddNodeAtCenter(canvas: CanvasState) {
  const store = useStoreApi();
  const count = useRef(0);
  const { addNode } = canvas;
  return useCallback(
    (type: NodeType) => {
      const { width, height, transform } = store.getState();
      const [x, y, zoom] = transform;
      const offset = (count.current++ % 6) * CASCADE_PX;
      return addNode(type, {
        x: Math.round((width / 2 - x) / zoom - NODE_HALF_WIDTH + offset),
        y: Math.round((height / 2 - y) / zoom - 30 + offset),
      });
    },
    [store, addNode],
  );
}
