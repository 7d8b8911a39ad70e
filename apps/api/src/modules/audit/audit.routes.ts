import { z } from 'zod';
import { AuditEventDtoSchema, ListAuditLogQuerySchema } from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { AuditService } from './audit.service';

const AuditPageSchema = z
  .object({ items: z.array(AuditEventDtoSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'AuditLogPage' });

export function auditRoutes(service: AuditService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/audit-log',
      summary: "The organization's security events, newest first",
      tags: ['audit'],
      permission: 'audit:read',
      input: { query: ListAuditLogQuerySchema },
      errors: [401, 403],
      response: { description: 'A page of events', schema: AuditPageSchema },
      handle: (ctx) => service.list(actorOf(ctx), ctx.input.query),
    }),
  ];
}
