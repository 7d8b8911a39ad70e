import { randomUUID } from 'node:crypto';
import {
  emptyGraph,
  parseNodeConfig,
  type CreateWorkflowBody,
  type GraphIssue,
  type ListWorkflowsQuery,
  type UpdateDeploymentBody,
  type UpdateWorkflowBody,
  type WorkflowDiffDto,
  type WorkflowDto,
  type WorkflowExport,
  type WorkflowGraph,
  type WorkflowSummaryDto,
  type WorkflowVersionDto,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../http/errors';
import type { Encryptor } from '../../lib/crypto';
import { randomToken, sha256 } from '../../lib/tokens';
import type { Database, Db } from '../../lib/db';
import { nextCronRun, validateForRun } from '../../engine/validate';
import { decodeCursor, pageOf } from '../../lib/cursor';
import * as repo from './workflows.repo';
import { canEditWorkflow, canRunWorkflow } from './workflows.policy';
import { WORKFLOW_TEMPLATES } from './templates';

const WEBHOOK_PREFIX = '/api/hooks/';

/** Thrown when a workflow cannot run; `details` lists the problems pinned to nodes. */
export class WorkflowInvalidError extends AppError {
  constructor(readonly issues: GraphIssue[]) {
    super(400, 'workflow_invalid', 'The workflow cannot run; fix the listed problems first', issues);
  }
}

/** Strips React Flow's presentational fields so versions compare on what matters. */
function normalizeGraph(graph: WorkflowGraph): WorkflowGraph {
  return {
    version: graph.version,
    nodes: graph.nodes.map(({ id, type, position, data }) => ({ id, type, position, data })),
    edges: graph.edges.map(({ id, source, target, sourceHandle, targetHandle }) => ({
      id,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
      ...(targetHandle ? { targetHandle } : {}),
    })),
    ...(graph.viewport ? { viewport: graph.viewport } : {}),
  };
}

/** The structural difference between two graphs: nodes added, removed and changed (with fields), edges. */
export function diffGraphs(from: WorkflowGraph, to: WorkflowGraph): Pick<WorkflowDiffDto, 'nodes' | 'edges'> {
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Map(to.nodes.map((n) => [n.id, n]));
  const changed: { id: string; fields: string[] }[] = [];
  for (const [id, node] of after) {
    const old = before.get(id);
    if (!old) continue;
    const fields: string[] = [];
    if (old.type !== node.type) fields.push('type');
    if (old.data.label !== node.data.label) fields.push('label');
    if (JSON.stringify(old.position) !== JSON.stringify(node.position)) fields.push('position');
    const keys = new Set([...Object.keys(old.data.config), ...Object.keys(node.data.config)]);
    for (const key of keys) {
      if (JSON.stringify(old.data.config[key]) !== JSON.stringify(node.data.config[key])) fields.push(`config.${key}`);
    }
    if (JSON.stringify(old.data.settings ?? {}) !== JSON.stringify(node.data.settings ?? {})) fields.push('settings');
    if (fields.length > 0) changed.push({ id, fields });
  }
  const edgeKey = (e: WorkflowGraph['edges'][number]) =>
    `${e.source}:${e.sourceHandle ?? ''}->${e.target}:${e.targetHandle ?? ''}`;
  const edgesBefore = new Set(from.edges.map(edgeKey));
  const edgesAfter = new Set(to.edges.map(edgeKey));
  return {
    nodes: {
      added: [...after.keys()].filter((id) => !before.has(id)),
      removed: [...before.keys()].filter((id) => !after.has(id)),
      changed,
    },
    edges: {
      added: [...edgesAfter].filter((k) => !edgesBefore.has(k)),
      removed: [...edgesBefore].filter((k) => !edgesAfter.has(k)),
    },
  };
}

/** The version a trigger runs: the canary for its share of triggers, else the published one (else the latest). */
export function pickVersionNumber(
  workflow: Pick<repo.WorkflowRecord, 'canaryVersion' | 'canaryPercent' | 'publishedVersion' | 'currentVersion'>,
): number {
  if (workflow.canaryVersion && Math.random() * 100 < workflow.canaryPercent) return workflow.canaryVersion;
  return workflow.publishedVersion ?? workflow.currentVersion;
}

export interface WorkflowsServiceDeps {
  db: Database;
  encryptor: Encryptor;
  publicUrl: string;
  /** The plan's active-workflow check (billing), run in the saving transaction under the organization's lock. */
  limits?: { assertActiveWorkflowsFit(tx: Db, organizationId: string, adding?: number): Promise<void> };
  now?: () => Date;
}

/** Workflow CRUD, immutable versions, deployment (published and canary versions), webhooks and schedules. */
export function createWorkflowsService(deps: WorkflowsServiceDeps) {
  const { db, encryptor } = deps;
  const now = deps.now ?? (() => new Date());

  function webhookPath(w: repo.WorkflowSummaryRecord): string | null {
    if (!w.webhookTokenCiphertext) return null;
    return WEBHOOK_PREFIX + encryptor.decrypt(w.webhookTokenCiphertext, { organizationId: w.organizationId, recordId: w.id });
  }

  function presentSummary(actor: Actor, w: repo.WorkflowSummaryRecord): WorkflowSummaryDto {
    return {
      id: w.id,
      name: w.name,
      description: w.description,
      tags: w.tags,
      isActive: w.isActive,
      isTemplate: w.isTemplate,
      version: w.currentVersion,
      publishedVersion: w.publishedVersion,
      canaryVersion: w.canaryVersion,
      canaryPercent: w.canaryPercent,
      webhookPath: webhookPath(w),
      createdAt: w.createdAt.toISOString(),
      updatedAt: w.updatedAt.toISOString(),
      abilities: { canEdit: canEditWorkflow(actor), canRun: canRunWorkflow(actor) },
    };
  }

  function present(actor: Actor, w: repo.WorkflowRecord): WorkflowDto {
    return { ...presentSummary(actor, w), canvasData: w.canvasData };
  }

  function presentVersion(v: repo.VersionRecord, withGraph: boolean): WorkflowVersionDto {
    return {
      id: v.id,
      version: v.version,
      message: v.message,
      createdBy: v.createdBy,
      createdAt: v.createdAt.toISOString(),
      ...(withGraph ? { canvasData: v.canvasData } : {}),
    };
  }

  function requireEdit(actor: Actor) {
    if (!canEditWorkflow(actor)) throw new ForbiddenError();
  }

  async function load(tx: Db, actor: Actor, id: string, forUpdate = false) {
    const found = await repo.findWorkflow(tx, actor.organizationId, id, { forUpdate });
    if (!found) throw new NotFoundError('workflow');
    return found;
  }

  /** Gives a workflow with a webhook trigger its secret token, and drops it when the trigger goes. */
  async function syncWebhook(tx: Db, w: repo.WorkflowRecord, graph: WorkflowGraph, rotate = false): Promise<repo.WorkflowRecord> {
    const hasWebhook = graph.nodes.some((n) => n.type === 'trigger.webhook');
    if (hasWebhook && (rotate || !w.webhookTokenCiphertext)) {
      const token = randomToken(24, 'wh_');
      const ciphertext = encryptor.encrypt(token, { organizationId: w.organizationId, recordId: w.id });
      await repo.setWebhookToken(tx, w.organizationId, w.id, { hash: sha256(token), ciphertext });
      return { ...w, webhookTokenCiphertext: ciphertext };
    }
    if (!hasWebhook && w.webhookTokenCiphertext) {
      await repo.setWebhookToken(tx, w.organizationId, w.id, null);
      return { ...w, webhookTokenCiphertext: null };
    }
    return w;
  }

  /** Schedules follow the published version of an active workflow. */
  async function syncSchedule(tx: Db, w: repo.WorkflowRecord): Promise<void> {
    const published = w.publishedVersion ? await repo.findVersion(tx, w.organizationId, w.id, w.publishedVersion) : null;
    const trigger = published?.canvasData.nodes.find((n) => n.type === 'trigger.schedule');
    const parsed = trigger ? parseNodeConfig(trigger) : null;
    if (!w.isActive || !parsed?.ok) {
      await repo.deleteSchedule(tx, w.organizationId, w.id);
      return;
    }
    const cron = String(parsed.config['cron']);
    const timezone = String(parsed.config['timezone']);
    let next: Date | null = null;
    try {
      next = nextCronRun(cron, timezone, now());
    } catch {
      next = null;
    }
    if (!next) {
      await repo.deleteSchedule(tx, w.organizationId, w.id);
      return;
    }
    await repo.upsertSchedule(tx, { organizationId: w.organizationId, workflowId: w.id, cron, timezone, nextRunAt: next });
  }

  async function saveVersion(
    tx: Db,
    actor: Actor,
    w: repo.WorkflowRecord,
    patch: {
      name: string;
      description: string | null;
      tags: string[];
      isActive: boolean;
      graph?: WorkflowGraph;
      message?: string | null;
      publish: boolean;
      /** The caller asked to publish (publishes the current version even without a new graph). */
      explicitPublish?: boolean;
    },
  ): Promise<repo.WorkflowRecord> {
    let version = w.currentVersion;
    let graph = w.canvasData;
    if (
      patch.graph &&
      (w.currentVersion === 0 || JSON.stringify(normalizeGraph(patch.graph)) !== JSON.stringify(normalizeGraph(w.canvasData)))
    ) {
      graph = normalizeGraph(patch.graph);
      version = w.currentVersion + 1;
      await repo.insertVersion(tx, {
        organizationId: w.organizationId,
        workflowId: w.id,
        version,
        canvasData: graph,
        message: patch.message ?? null,
        createdBy: actor.userId,
      });
    }
    // Saving a new graph publishes it unless told not to; a save without a new graph publishes
    // nothing new unless asked to explicitly.
    const publish =
      version > 0 && (version !== w.currentVersion ? patch.publish : patch.publish && patch.explicitPublish === true);
    let saved = await repo.updateWorkflow(tx, w.organizationId, w.id, {
      name: patch.name,
      description: patch.description,
      canvasData: graph,
      tags: patch.tags,
      isActive: patch.isActive,
      currentVersion: version,
      publishedVersion: publish ? version : w.publishedVersion,
      canaryVersion: publish ? null : w.canaryVersion,
      canaryPercent: publish ? 0 : w.canaryPercent,
    });
    saved = await syncWebhook(tx, saved, graph);
    await syncSchedule(tx, saved);
    return saved;
  }

  async function create(actor: Actor, body: CreateWorkflowBody & { isTemplate?: boolean }): Promise<WorkflowDto> {
    requireEdit(actor);
    return db.withTransaction(async (tx) => {
      if ((body.isActive ?? true) && !body.isTemplate) await deps.limits?.assertActiveWorkflowsFit(tx, actor.organizationId);
      const inserted = await repo.insertWorkflow(tx, {
        id: randomUUID(),
        organizationId: actor.organizationId,
        name: body.name,
        description: body.description ?? null,
        canvasData: emptyGraph(),
        tags: body.tags ?? [],
        isActive: body.isActive ?? true,
        createdBy: actor.userId,
      });
      const saved = await saveVersion(tx, actor, inserted, {
        name: inserted.name,
        description: inserted.description,
        tags: inserted.tags,
        isActive: inserted.isActive,
        graph: body.canvasData ?? emptyGraph(),
        message: 'Created',
        publish: true,
      });
      return present(actor, saved);
    });
  }

  return {
    create,

    async list(actor: Actor, query: ListWorkflowsQuery): Promise<{ items: WorkflowSummaryDto[]; nextCursor: string | null }> {
      const rows = await repo.listWorkflows(db, actor.organizationId, {
        limit: query.limit + 1,
        ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
        ...(query.search ? { search: query.search } : {}),
        ...(query.tag ? { tag: query.tag } : {}),
        ...(query.status ? { isActive: query.status === 'active' } : {}),
        ...(query.templates ? { isTemplate: query.templates === 'true' } : {}),
      });
      const { page, nextCursor } = pageOf(rows, query.limit);
      return {
        items: page.map((w) => presentSummary(actor, w)),
        nextCursor,
      };
    },

    /** @throws NotFoundError, also for another organization's workflow. */
    async get(actor: Actor, id: string): Promise<WorkflowDto> {
      return present(actor, await load(db, actor, id));
    },

    /** Saves; a changed graph becomes a new immutable version, published unless `publish: false`. */
    async update(actor: Actor, id: string, body: UpdateWorkflowBody): Promise<WorkflowDto> {
      requireEdit(actor);
      return db.withTransaction(async (tx) => {
        const current = await load(tx, actor, id, true);
        if (body.isActive === true && !current.isActive && !current.isTemplate) {
          await deps.limits?.assertActiveWorkflowsFit(tx, actor.organizationId);
        }
        const saved = await saveVersion(tx, actor, current, {
          name: body.name ?? current.name,
          description: body.description === undefined ? current.description : body.description,
          tags: body.tags ?? current.tags,
          isActive: body.isActive ?? current.isActive,
          ...(body.canvasData ? { graph: body.canvasData } : {}),
          message: body.versionMessage ?? null,
          publish: body.publish ?? true,
          explicitPublish: body.publish === true,
        });
        return present(actor, saved);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireEdit(actor);
      if (!(await repo.deleteWorkflow(db, actor.organizationId, id))) throw new NotFoundError('workflow');
    },

    async duplicate(actor: Actor, id: string): Promise<WorkflowDto> {
      const source = await load(db, actor, id);
      return create(actor, {
        name: `${source.name} (copy)`.slice(0, 255),
        ...(source.description ? { description: source.description } : {}),
        tags: source.tags,
        canvasData: source.canvasData,
        isActive: false,
      });
    },

    async exportWorkflow(actor: Actor, id: string): Promise<WorkflowExport> {
      const w = await load(db, actor, id);
      return {
        format: 'auterity.workflow',
        formatVersion: 1,
        name: w.name,
        description: w.description,
        tags: w.tags,
        canvasData: w.canvasData,
      };
    },

    async importWorkflow(actor: Actor, body: WorkflowExport): Promise<WorkflowDto> {
      return create(actor, {
        name: body.name,
        ...(body.description ? { description: body.description } : {}),
        tags: body.tags ?? [],
        canvasData: body.canvasData,
        isActive: false,
      });
    },

    templates: () => WORKFLOW_TEMPLATES,

    async listVersions(actor: Actor, id: string): Promise<WorkflowVersionDto[]> {
      await load(db, actor, id);
      return (await repo.listVersions(db, actor.organizationId, id)).map((v) => presentVersion(v, false));
    },

    async getVersion(actor: Actor, id: string, version: number): Promise<WorkflowVersionDto> {
      const found = await repo.findVersion(db, actor.organizationId, id, version);
      if (!found) throw new NotFoundError('version');
      return presentVersion(found, true);
    },

    async compareVersions(actor: Actor, id: string, from: number, to: number): Promise<WorkflowDiffDto> {
      const [a, b] = await Promise.all([
        repo.findVersion(db, actor.organizationId, id, from),
        repo.findVersion(db, actor.organizationId, id, to),
      ]);
      if (!a || !b) throw new NotFoundError('version');
      return { from, to, ...diffGraphs(a.canvasData, b.canvasData) };
    },

    /** Saves an old version's graph as the newest version (history is never rewritten). */
    async restoreVersion(actor: Actor, id: string, version: number): Promise<WorkflowDto> {
      requireEdit(actor);
      return db.withTransaction(async (tx) => {
        const current = await load(tx, actor, id, true);
        const old = await repo.findVersion(tx, actor.organizationId, id, version);
        if (!old) throw new NotFoundError('version');
        const saved = await saveVersion(tx, actor, current, {
          name: current.name,
          description: current.description,
          tags: current.tags,
          isActive: current.isActive,
          graph: old.canvasData,
          message: `Restored version ${version}`,
          publish: true,
        });
        return present(actor, saved);
      });
    },

    async updateDeployment(actor: Actor, id: string, body: UpdateDeploymentBody): Promise<WorkflowDto> {
      requireEdit(actor);
      return db.withTransaction(async (tx) => {
        const current = await load(tx, actor, id, true);
        for (const v of [body.publishedVersion, body.canaryVersion]) {
          if (typeof v === 'number' && !(await repo.findVersion(tx, actor.organizationId, id, v))) {
            throw new ValidationError('Unknown version', [{ path: 'body', message: `Version ${v} does not exist` }]);
          }
        }
        const canaryVersion = body.canaryVersion === undefined ? current.canaryVersion : body.canaryVersion;
        let saved = await repo.updateWorkflow(tx, actor.organizationId, id, {
          name: current.name,
          description: current.description,
          canvasData: current.canvasData,
          tags: current.tags,
          isActive: current.isActive,
          currentVersion: current.currentVersion,
          publishedVersion: body.publishedVersion ?? current.publishedVersion,
          canaryVersion,
          canaryPercent: canaryVersion === null ? 0 : (body.canaryPercent ?? current.canaryPercent),
        });
        const published = saved.publishedVersion
          ? await repo.findVersion(tx, actor.organizationId, id, saved.publishedVersion)
          : null;
        if (published) saved = await syncWebhook(tx, saved, published.canvasData);
        await syncSchedule(tx, saved);
        return present(actor, saved);
      });
    },

    /** Issues a new secret webhook URL; the old one stops working at once. */
    async rotateWebhook(actor: Actor, id: string): Promise<{ path: string; url: string }> {
      requireEdit(actor);
      return db.withTransaction(async (tx) => {
        const current = await load(tx, actor, id, true);
        if (!current.canvasData.nodes.some((n) => n.type === 'trigger.webhook')) {
          throw new ConflictError('This workflow has no webhook trigger');
        }
        const saved = await syncWebhook(tx, current, current.canvasData, true);
        const path = webhookPath(saved) ?? '';
        return { path, url: new URL(path, deps.publicUrl).toString() };
      });
    },

    /**
     * Checks a graph as it is about to run: structure, config, expressions, and that referenced
     * credentials and sub-workflows exist in the organization.
     */
    async validateRunnable(organizationId: string, graph: WorkflowGraph): Promise<GraphIssue[]> {
      const issues = validateForRun(graph);
      const refs = (type: string, key: string) =>
        graph.nodes
          .filter((n) => n.type === type && typeof n.data.config[key] === 'string')
          .map((n) => ({ nodeId: n.id, id: String(n.data.config[key]) }))
          .filter((r) => /^[0-9a-f-]{36}$/i.test(r.id));
      const credentialRefs = [...refs('http.request', 'credentialId'), ...refs('ai.generate', 'credentialId')];
      const workflowRefs = refs('workflow.call', 'workflowId');
      const [credentials, workflows] = await Promise.all([
        repo.existingCredentialIds(
          db,
          organizationId,
          credentialRefs.map((r) => r.id),
        ),
        repo.existingWorkflowIds(
          db,
          organizationId,
          workflowRefs.map((r) => r.id),
        ),
      ]);
      for (const r of credentialRefs) {
        if (!credentials.has(r.id))
          issues.push({ nodeId: r.nodeId, field: 'config.credentialId', message: 'This credential does not exist' });
      }
      for (const r of workflowRefs) {
        if (!workflows.has(r.id))
          issues.push({ nodeId: r.nodeId, field: 'config.workflowId', message: 'This workflow does not exist' });
      }
      return issues;
    },

    /** The workflow and the version a trigger should run: pinned, canary share, published, or latest. */
    async resolveVersion(
      organizationId: string,
      workflowId: string,
      pinned?: number,
    ): Promise<{ workflow: repo.WorkflowRecord; version: repo.VersionRecord }> {
      const workflow = await repo.findWorkflow(db, organizationId, workflowId);
      if (!workflow) throw new NotFoundError('workflow');
      return { workflow, version: await this.versionFor(workflow, pinned) };
    },

    async versionFor(workflow: repo.WorkflowRecord, pinned?: number): Promise<repo.VersionRecord> {
      const number = pinned ?? pickVersionNumber(workflow);
      const version = await repo.findVersion(db, workflow.organizationId, workflow.id, number);
      if (!version) throw new NotFoundError('version');
      return version;
    },

    /** The workflow behind a webhook token, or null (unknown or rotated token). */
    findByWebhookToken: (token: string) => repo.findWorkflowByWebhookHash(db, sha256(token)),
  };
}

export type WorkflowsService = ReturnType<typeof createWorkflowsService>;
