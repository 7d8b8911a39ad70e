import {
  ErrorAlertSettingsBodySchema,
  ErrorAlertSettingsDtoSchema,
  ErrorGroupDetailDtoSchema,
  ErrorGroupDtoSchema,
  ErrorGroupListDtoSchema,
  ErrorGroupParamsSchema,
  ListErrorGroupsQuerySchema,
  type ErrorGroupStatus,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { ErrorIqService } from './error-iq.service';

const ACTIONS: { action: 'resolve' | 'ignore' | 'reopen'; status: ErrorGroupStatus; summary: string }[] = [
  { action: 'resolve', status: 'resolved', summary: 'Resolve an error group (seeing it again reopens it as a regression)' },
  { action: 'ignore', status: 'ignored', summary: 'Ignore an error group (still counted, never alerted)' },
  { action: 'reopen', status: 'open', summary: 'Reopen an error group' },
];

/** Error-IQ: grouped errors of the caller's organization, their status, explanations and alerts. */
export function errorIqRoutes(service: ErrorIqService): RouteDefinition[] {
  return [
    // Before `/api/errors/:id`, which would otherwise take `alert-settings` for an id.
    defineRoute({
      method: 'get',
      path: '/api/errors/alert-settings',
      summary: 'Where Error-IQ alerts go (webhook, email) and when',
      tags: ['errors'],
      permission: 'members:manage',
      errors: [401, 403],
      response: { description: 'Alert settings', schema: ErrorAlertSettingsDtoSchema },
      handle: (ctx) => service.getAlertSettings(actorOf(ctx)),
    }),
    defineRoute({
      method: 'put',
      path: '/api/errors/alert-settings',
      summary: 'Change where Error-IQ alerts go; the webhook is called through the SSRF guard',
      tags: ['errors'],
      permission: 'members:manage',
      input: { body: ErrorAlertSettingsBodySchema },
      errors: [401, 403],
      response: { description: 'Saved settings', schema: ErrorAlertSettingsDtoSchema },
      handle: (ctx) => service.putAlertSettings(actorOf(ctx), ctx.input.body),
      audit: ({ actor }) => ({ action: 'errors.alert_settings.updated', organizationId: actor?.organizationId ?? null, actor }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/errors',
      summary: 'Error groups, most recently seen first, with counts per status',
      tags: ['errors'],
      permission: 'workflows:read',
      input: { query: ListErrorGroupsQuerySchema },
      errors: [401, 403],
      response: { description: 'A page of groups', schema: ErrorGroupListDtoSchema },
      handle: (ctx) => service.list(actorOf(ctx), ctx.input.query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/errors/:id',
      summary: 'One error group with its newest occurrences',
      tags: ['errors'],
      permission: 'workflows:read',
      input: { params: ErrorGroupParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'The group', schema: ErrorGroupDetailDtoSchema },
      handle: (ctx) => service.get(actorOf(ctx), ctx.input.params.id),
    }),
    ...ACTIONS.map(({ action, status, summary }) =>
      defineRoute({
        method: 'post',
        path: `/api/errors/:id/${action}`,
        summary,
        tags: ['errors'],
        permission: 'workflows:write',
        input: { params: ErrorGroupParamsSchema },
        errors: [401, 403, 404],
        response: { description: 'The group', schema: ErrorGroupDtoSchema },
        handle: (ctx) => service.setStatus(actorOf(ctx), ctx.input.params.id, status),
      }),
    ),
    defineRoute({
      method: 'post',
      path: '/api/errors/:id/explain',
      summary: 'Diagnose an error group (a hosted model through the AI router, or built-in hints) and store the answer',
      tags: ['errors'],
      permission: 'workflows:write',
      input: { params: ErrorGroupParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'The group with its explanation', schema: ErrorGroupDtoSchema },
      handle: (ctx) => service.explain(actorOf(ctx), ctx.input.params.id),
    }),
  ];
}
