import type { ReactNode } from 'react';
import { ReactFlowProvider } from '@xyflow/react';

/** The React Flow store the editor's canvas, palette and inspector share; one per open workflow. */
export function CanvasProvider({ children }: { children: ReactNode }) {
  return <ReactFlowProvider>{children}</ReactFlowProvider>;
}
