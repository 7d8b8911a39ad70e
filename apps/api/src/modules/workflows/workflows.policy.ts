import { hasPermission, type Actor } from '../../http/actor';

/** Everyone in the organization may read its workflows; these decide what they may change or run. */
export function canEditWorkflow(actor: Actor): boolean {
  return hasPermission(actor, 'workflows:write');
}

export function canRunWorkflow(actor: Actor): boolean {
  return hasPermission(actor, 'workflows:execute');
}
