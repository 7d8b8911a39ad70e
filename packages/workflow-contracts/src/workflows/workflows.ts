import { z } from 'zod';
import { GraphIssueSchema, WorkflowGraphSchema } from './graph';

export const WORKFLOW_NAME_MAX = 255;
export const WORKFLOW_DESCRIPTION_MAX = 5000;
export const WORKFLOW_TAGS_MAX = 20;
export const WORKFLOW_TAG_MAX = 40;

const name = z.string().trim().min(1, 'Name is required').max(WORKFLOW_NAME_MAX);
const description = z.string().max(WORKFLOW_DESCRIPTION_MAX);
const tags = z.array(z.string().trim().min(1).max(WORKFLOW_TAG_MAX)).max(WORKFLOW_TAGS_MAX);

/** Body of `POST /api/workflows`; a draft may be incomplete, it is only checked when it runs. */
export const CreateWorkflowBodySchema = z
  .object({
    name,
    description: description.optional(),
    canvasData: WorkflowGraphSchema.optional(),
    tags: tags.optional(),
    isActive: z.boolean().optional(),
  })
  .meta({ id: 'CreateWorkflowBody' });
export type CreateWorkflowBody = z.infer<typeof CreateWorkflowBodySchema>;

/** Body of `PUT /api/workflows/:id`: every field optional; a new graph creates a new version. */
export const UpdateWorkflowBodySchema = z
  .object({
    name: name.optional(),
    description: description.nullable().optional(),
    canvasData: WorkflowGraphSchema.optional(),
    tags: tags.optional(),
    isActive: z.boolean().optional(),
    /** A note stored with the version this save creates. */
    versionMessage: z.string().max(500).optional(),
    /** Publish the version this save creates (webhooks, schedules and API callers run it). */
    publish: z.boolean().optional(),
  })
  .meta({ id: 'UpdateWorkflowBody' });
export type UpdateWorkflowBody = z.infer<typeof UpdateWorkflowBodySchema>;

export const WorkflowParamsSchema = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
/** Versions are stored as Postgres integers: larger numbers are refused here, not by the database. */
export const VERSION_NUMBER_MAX = 2_147_483_647;
export const WorkflowVersionParamsSchema = z.object({
  id: z.uuid({ message: 'Must be a UUID' }),
  version: z.coerce.number().int().min(1).max(VERSION_NUMBER_MAX),
});

export const ListWorkflowsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  /** Matches name and description, case-insensitively. */
  search: z.string().trim().max(200).optional(),
  tag: z.string().trim().max(WORKFLOW_TAG_MAX).optional(),
  status: z.enum(['active', 'inactive']).optional(),
  templates: z.enum(['true', 'false']).optional(),
});
export type ListWorkflowsQuery = z.infer<typeof ListWorkflowsQuerySchema>;

/** How triggers pick a version: the published one, or the canary for a share of triggers. */
export const UpdateDeploymentBodySchema = z
  .object({
    publishedVersion: z.number().int().min(1).max(VERSION_NUMBER_MAX).optional(),
    canaryVersion: z.number().int().min(1).max(VERSION_NUMBER_MAX).nullable().optional(),
    /** Share of triggers (0-100) that run the canary version. */
    canaryPercent: z.number().int().min(0).max(100).optional(),
  })
  .meta({ id: 'UpdateDeploymentBody' });
export type UpdateDeploymentBody = z.infer<typeof UpdateDeploymentBodySchema>;

export const WorkflowDtoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    canvasData: WorkflowGraphSchema,
    tags: z.array(z.string()),
    isActive: z.boolean(),
    isTemplate: z.boolean(),
    /** Latest saved version number. */
    version: z.number().int(),
    publishedVersion: z.number().int().nullable(),
    canaryVersion: z.number().int().nullable(),
    canaryPercent: z.number().int(),
    /** Path of the webhook URL when the workflow has a webhook trigger (the token is a secret). */
    webhookPath: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    abilities: z.object({ canEdit: z.boolean(), canRun: z.boolean() }),
  })
  .meta({ id: 'Workflow' });
export type WorkflowDto = z.infer<typeof WorkflowDtoSchema>;

export const WorkflowSummaryDtoSchema = WorkflowDtoSchema.omit({ canvasData: true }).meta({ id: 'WorkflowSummary' });
export type WorkflowSummaryDto = z.infer<typeof WorkflowSummaryDtoSchema>;

export const WorkflowVersionDtoSchema = z
  .object({
    id: z.uuid(),
    version: z.number().int(),
    message: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    canvasData: WorkflowGraphSchema.optional(),
  })
  .meta({ id: 'WorkflowVersion' });
export type WorkflowVersionDto = z.infer<typeof WorkflowVersionDtoSchema>;

export const CompareVersionsQuerySchema = z.object({
  from: z.coerce.number().int().min(1).max(VERSION_NUMBER_MAX),
  to: z.coerce.number().int().min(1).max(VERSION_NUMBER_MAX),
});

/** Structural difference between two versions of a graph. */
export const WorkflowDiffDtoSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    nodes: z.object({
      added: z.array(z.string()),
      removed: z.array(z.string()),
      changed: z.array(z.object({ id: z.string(), fields: z.array(z.string()) })),
    }),
    edges: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  })
  .meta({ id: 'WorkflowDiff' });
export type WorkflowDiffDto = z.infer<typeof WorkflowDiffDtoSchema>;

/** The portable JSON of a workflow (`GET /api/workflows/:id/export`, `POST /api/workflows/import`). */
export const WorkflowExportSchema = z
  .object({
    format: z.literal('auterity.workflow'),
    formatVersion: z.literal(1),
    name,
    description: description.nullable().optional(),
    tags: tags.optional(),
    canvasData: WorkflowGraphSchema,
  })
  .meta({ id: 'WorkflowExport' });
export type WorkflowExport = z.infer<typeof WorkflowExportSchema>;

export const WebhookDtoSchema = z
  .object({
    /** Full path including the secret token; treat it like a password. */
    path: z.string(),
    url: z.string(),
  })
  .meta({ id: 'Webhook' });

/** `details` of a 400 `workflow_invalid`: problems the studio pins to nodes. */
export const WorkflowInvalidDetailsSchema = z.array(GraphIssueSchema);

/** A built-in starter workflow (`GET /api/workflow-templates`). */
export const WorkflowTemplateDtoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    canvasData: WorkflowGraphSchema,
  })
  .meta({ id: 'WorkflowTemplate' });
export type WorkflowTemplateDto = z.infer<typeof WorkflowTemplateDtoSchema>;
