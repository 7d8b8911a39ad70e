import { z } from 'zod';
import {
  ExecutionDtoSchema,
  ExecutionStatusSchema,
  ExecutionStepDtoSchema,
  type ExecutionDto,
  type ExecutionStatus,
  type ExecutionStepDto,
} from '@auterity/workflow-contracts';
import { accessToken, refreshSession } from '../../../lib/session';

export interface ExecutionEventHandlers {
  onSnapshot: (execution: ExecutionDto) => void;
  onStep: (step: ExecutionStepDto) => void;
  onStatus: (status: ExecutionStatus) => void;
}

const StatusEventSchema = z.object({ status: ExecutionStatusSchema });

async function open(id: string, signal: AbortSignal): Promise<Response> {
  const token = accessToken();
  return fetch(`/api/executions/${encodeURIComponent(id)}/events`, {
    credentials: 'same-origin',
    headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal,
  });
}

function dispatch(block: string, handlers: ExecutionEventHandlers): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return;
  let payload: unknown;
  try {
    payload = JSON.parse(data.join('\n'));
  } catch {
    return;
  }
  if (event === 'snapshot') {
    const parsed = ExecutionDtoSchema.safeParse(payload);
    if (parsed.success) handlers.onSnapshot(parsed.data);
  } else if (event === 'step') {
    const parsed = ExecutionStepDtoSchema.safeParse(payload);
    if (parsed.success) handlers.onStep(parsed.data);
  } else if (event === 'status') {
    const parsed = StatusEventSchema.safeParse(payload);
    if (parsed.success) handlers.onStatus(parsed.data.status);
  }
}

/**
 * Follows an execution's Server-Sent Events (a snapshot, then `step` and `status` events) until the
 * server ends the stream or `signal` aborts. Uses fetch and a stream reader rather than
 * EventSource, which cannot send the Authorization header.
 * @throws when the stream cannot be opened; callers fall back to polling.
 */
export async function followExecution(id: string, handlers: ExecutionEventHandlers, signal: AbortSignal): Promise<void> {
  let response = await open(id, signal);
  if (response.status === 401 && (await refreshSession())) response = await open(id, signal);
  if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      dispatch(buffer.slice(0, end), handlers);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}
