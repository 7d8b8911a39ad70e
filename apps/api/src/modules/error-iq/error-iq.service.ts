import {
  LOCAL_AI_PROVIDER,
  type ErrorAlertSettingsBody,
  type ErrorAlertSettingsDto,
  type ErrorExplanation,
  type ErrorGroupDetailDto,
  type ErrorGroupDto,
  type ErrorGroupListDto,
  type ErrorGroupStatus,
  type ErrorSource,
  type ListErrorGroupsQuery,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { NotFoundError } from '../../http/errors';
import type { Encryptor } from '../../lib/crypto';
import { decodeCursor, pageOf } from '../../lib/cursor';
import type { Database } from '../../lib/db';
import type { GuardedHttpClient } from '../../lib/http-client';
import type { Logger } from '../../lib/logger';
import type { Mailer } from '../../lib/mailer';
import type { AiRouter } from '../ai/router';
import { modelKey } from '../ai/router';
import { explainByRules, type ExplainInput } from './explain-rules';
import { fingerprintOf, normalizeMessage, scrubContext, scrubText } from './fingerprint';
import * as repo from './error-iq.repo';
import { Counter } from 'prom-client';
import { registry } from '../../lib/metrics';

const captures = new Counter({
  name: 'auterity_error_captures_total',
  help: 'Errors captured by Error-IQ, by outcome: recorded, dropped (queue full) or failed (not stored)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** One failure to capture, from the error handler or the executions module. */
export interface CapturedError {
  source: ErrorSource;
  organizationId: string | null;
  userId?: string | null;
  apiKeyId?: string | null;
  workflowId?: string | null;
  executionId?: string | null;
  nodeId?: string | null;
  /** A class name or a stable code (`TypeError`, `ai_provider_failed`). */
  errorType: string;
  message: string;
  /** Kept server-side only (never in a response). */
  stack?: string | null;
  /** Route template (`GET /api/workflows/:id`) or node type. */
  location: string;
  /** Request or execution details: scrubbed before storage. */
  context?: Record<string, unknown>;
  at?: Date;
}

export interface ErrorIqDeps {
  db: Database;
  log: Logger;
  /** SSRF-guarded: alert webhooks are user-chosen URLs. */
  outbound: GuardedHttpClient;
  mailer: Mailer;
  encryptor: Encryptor;
  router?: Pick<AiRouter, 'generate' | 'models'>;
  publicUrl: string;
  /** Captures waiting to be written; beyond it new ones are dropped and counted. */
  queueMax?: number;
  now?: () => Date;
}

const ALERT_TIMEOUT_MS = 5000;
const SETTINGS_TTL_MS = 10_000;
const EXPLAIN_TIMEOUT_MS = 30_000;
const OCCURRENCES_SAMPLE = 50;
const DEFAULT_SETTINGS: repo.AlertSettingsRecord = {
  webhookUrlCiphertext: null,
  email: null,
  onNew: true,
  onRegression: true,
  onSpike: true,
  spikePerHour: 50,
};

type AlertKind = 'new' | 'regression' | 'spike';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function webhookOwner(organizationId: string) {
  return { organizationId, recordId: `error-alerts:${organizationId}` };
}

/** The diagnosis and fix list in a model's answer: bullet or numbered lines are the fixes. */
export function parseModelExplanation(text: string): { diagnosis: string; fixes: string[] } {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const isItem = (l: string) => /^([-*•]|\d+[.)])\s+/.test(l);
  const fixes = lines.filter(isItem).map((l) => l.replace(/^([-*•]|\d+[.)])\s+/, ''));
  const diagnosis = lines
    .filter((l) => !isItem(l))
    .join(' ')
    .replace(/^(diagnosis|cause)\s*:\s*/i, '');
  return { diagnosis, fixes };
}

/**
 * Error-IQ: captures failures (off the caller's path, bounded), groups them by fingerprint,
 * reopens resolved groups that recur, explains groups, and alerts once per event.
 */
export function createErrorIqService(deps: ErrorIqDeps) {
  const { db, log } = deps;
  const now = deps.now ?? (() => new Date());
  const queueMax = deps.queueMax ?? 1000;
  const queue: CapturedError[] = [];
  let draining: Promise<void> | null = null;
  let dropped = 0;
  const settingsCache = new Map<string, { at: number; value: repo.AlertSettingsRecord }>();

  async function settingsOf(organizationId: string): Promise<repo.AlertSettingsRecord> {
    const hit = settingsCache.get(organizationId);
    if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.value;
    const value = (await repo.findAlertSettings(db, organizationId)) ?? DEFAULT_SETTINGS;
    settingsCache.set(organizationId, { at: Date.now(), value });
    return value;
  }

  async function sendAlert(organizationId: string, kind: AlertKind, group: repo.ErrorGroupRecord): Promise<void> {
    const settings = await settingsOf(organizationId);
    const enabled = { new: settings.onNew, regression: settings.onRegression, spike: settings.onSpike }[kind];
    const channels = [...(settings.webhookUrlCiphertext ? ['webhook'] : []), ...(settings.email ? ['email'] : [])];
    if (!enabled || channels.length === 0) return;
    const dedupKey =
      kind === 'new'
        ? `new:${group.id}`
        : kind === 'regression'
          ? `regression:${group.id}:${group.regressions}`
          : `spike:${group.id}:${group.windowStart.toISOString()}`;
    if (!(await repo.claimAlert(db, { organizationId, groupId: group.id, kind, dedupKey, channels }))) return;
    const link = `${deps.publicUrl}/errors/${group.id}`;
    const headline =
      kind === 'new'
        ? 'New error'
        : kind === 'regression'
          ? 'Regression: a resolved error is back'
          : `Error spike: ${group.windowCount} in the last hour`;
    const payload = {
      kind,
      headline,
      link,
      group: {
        id: group.id,
        errorType: group.errorType,
        title: group.title,
        location: group.location,
        occurrences: group.occurrences,
        firstSeenAt: group.firstSeenAt.toISOString(),
        lastSeenAt: group.lastSeenAt.toISOString(),
      },
    };
    if (settings.webhookUrlCiphertext) {
      const url = deps.encryptor.decrypt(settings.webhookUrlCiphertext, webhookOwner(organizationId));
      await deps.outbound
        .request({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json', 'user-agent': 'Auterity-Error-IQ' },
          body: JSON.stringify(payload),
          timeoutMs: ALERT_TIMEOUT_MS,
          followRedirects: false,
        })
        .then((res) => {
          if (res.status >= 300) log.warn({ organizationId, status: res.status }, 'error alert webhook answered with an error');
        })
        .catch((err: unknown) => log.warn({ organizationId, err }, 'error alert webhook failed'));
    }
    if (settings.email) {
      await deps.mailer
        .send({
          to: settings.email,
          subject: `[Auterity] ${headline}: ${group.title.slice(0, 120)}`,
          text: `${headline}\n\n${group.errorType}: ${group.title}\nWhere: ${group.location}\nSeen ${group.occurrences} time(s), last at ${group.lastSeenAt.toISOString()}\n\n${link}\n`,
        })
        .catch((err: unknown) => log.warn({ organizationId, err }, 'error alert mail failed'));
    }
  }

  /** Writes one capture: group upsert, occurrence, alerts. */
  async function record(e: CapturedError): Promise<void> {
    const at = e.at ?? now();
    const message = scrubText(e.message);
    const errorType = e.errorType.slice(0, 100) || 'Error';
    const location = e.location.slice(0, 300);
    const title = normalizeMessage(message) || errorType;
    const { group, created, regressed } = await repo.upsertGroup(db, {
      organizationId: e.organizationId,
      fingerprint: fingerprintOf(errorType, title, location),
      source: e.source,
      errorType,
      title,
      location,
      at,
    });
    const context = scrubContext(e.context ?? {});
    await repo.insertErrorLog(db, {
      organizationId: e.organizationId,
      groupId: group.id,
      userId: e.userId ?? null,
      apiKeyId: e.apiKeyId ?? null,
      workflowId: e.workflowId ?? null,
      executionId: e.executionId ?? null,
      nodeId: e.nodeId ?? null,
      errorType,
      message,
      stack: e.stack ? scrubText(e.stack, 8000) : null,
      context: context && typeof context === 'object' && !Array.isArray(context) ? (context as Record<string, unknown>) : {},
      at,
    });
    if (!e.organizationId || group.status === 'ignored') return;
    const settings = await settingsOf(e.organizationId);
    if (created) await sendAlert(e.organizationId, 'new', group);
    else if (regressed) await sendAlert(e.organizationId, 'regression', group);
    if (group.windowCount >= settings.spikePerHour) await sendAlert(e.organizationId, 'spike', group);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const next = queue.shift();
      if (!next) break;
      await record(next).then(
        () => captures.inc({ outcome: 'recorded' }),
        (err: unknown) => {
          captures.inc({ outcome: 'failed' });
          log.error({ err }, 'could not record a captured error');
        },
      );
    }
    draining = null;
  }

  async function present(organizationId: string, groups: repo.ErrorGroupRecord[]): Promise<ErrorGroupDto[]> {
    const ids = groups.map((g) => g.id);
    const [affected, trends] = await Promise.all([
      repo.affectedCounts(db, organizationId, ids),
      repo.hourlyTrends(db, organizationId, ids, now()),
    ]);
    return groups.map((g) => ({
      id: g.id,
      source: g.source,
      errorType: g.errorType,
      title: g.title,
      location: g.location,
      status: g.status,
      occurrences: g.occurrences,
      usersAffected: affected.get(g.id)?.users ?? 0,
      workflowsAffected: affected.get(g.id)?.workflows ?? 0,
      firstSeenAt: g.firstSeenAt.toISOString(),
      lastSeenAt: g.lastSeenAt.toISOString(),
      resolvedAt: iso(g.resolvedAt),
      regressedAt: iso(g.regressedAt),
      regressions: g.regressions,
      trend: trends.get(g.id) ?? [],
      explanation: g.explanation,
    }));
  }

  async function load(actor: Actor, id: string): Promise<repo.ErrorGroupRecord> {
    const group = await repo.findGroup(db, actor.organizationId, id);
    if (!group) throw new NotFoundError('error group');
    return group;
  }

  async function presentOne(actor: Actor, group: repo.ErrorGroupRecord): Promise<ErrorGroupDto> {
    const [dto] = await present(actor.organizationId, [group]);
    if (!dto) throw new NotFoundError('error group');
    return dto;
  }

  function presentSettings(s: repo.AlertSettingsRecord, organizationId: string): ErrorAlertSettingsDto {
    let webhookHost: string | null = null;
    if (s.webhookUrlCiphertext) {
      try {
        webhookHost = new URL(deps.encryptor.decrypt(s.webhookUrlCiphertext, webhookOwner(organizationId))).host;
      } catch {
        webhookHost = null;
      }
    }
    return {
      webhookConfigured: Boolean(s.webhookUrlCiphertext),
      webhookHost,
      email: s.email,
      onNew: s.onNew,
      onRegression: s.onRegression,
      onSpike: s.onSpike,
      spikePerHour: s.spikePerHour,
    };
  }

  async function hostedModel(organizationId: string): Promise<string | null> {
    if (!deps.router) return null;
    const models = await deps.router.models(organizationId);
    const hosted = models.find(
      (m) => m.available && m.model.provider !== LOCAL_AI_PROVIDER && m.model.capabilities.includes('text'),
    );
    return hosted ? modelKey(hosted.model) : null;
  }

  return {
    /**
     * Queues a failure for capture and returns at once (never throws, never waits on the database).
     * Past the queue bound, captures are dropped and counted (`stats().dropped`).
     */
    capture(e: CapturedError): void {
      if (queue.length >= queueMax) {
        dropped += 1;
        captures.inc({ outcome: 'dropped' });
        if (dropped === 1 || dropped % 1000 === 0) log.warn({ dropped }, 'error capture queue full: errors dropped');
        return;
      }
      queue.push(e);
      draining ??= drain();
    },

    /** Resolves once every queued capture is written (tests, shutdown). */
    async flush(): Promise<void> {
      while (draining) await draining;
    },

    stats() {
      return { queued: queue.length, dropped };
    },

    /** `GET /api/errors`. */
    async list(actor: Actor, query: ListErrorGroupsQuery): Promise<ErrorGroupListDto> {
      const groups = await repo.listGroups(db, actor.organizationId, {
        status: query.status,
        source: query.source,
        q: query.q,
        before: query.cursor ? decodeCursor(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const { page, nextCursor } = pageOf(groups, query.limit);
      const [items, counts] = await Promise.all([
        present(actor.organizationId, page),
        repo.countGroupsByStatus(db, actor.organizationId),
      ]);
      return { items, counts, nextCursor };
    },

    /** `GET /api/errors/:id`. @throws NotFoundError */
    async get(actor: Actor, id: string): Promise<ErrorGroupDetailDto> {
      const group = await load(actor, id);
      const [dto, occurrences] = await Promise.all([
        presentOne(actor, group),
        repo.listOccurrences(db, actor.organizationId, id, OCCURRENCES_SAMPLE),
      ]);
      return {
        ...dto,
        occurrencesSample: occurrences.map((o) => ({ ...o, createdAt: o.createdAt.toISOString() })),
      };
    },

    /** Resolve, ignore or reopen. @throws NotFoundError */
    async setStatus(actor: Actor, id: string, status: ErrorGroupStatus): Promise<ErrorGroupDto> {
      const group = await repo.updateGroupStatus(db, actor.organizationId, id, status);
      if (!group) throw new NotFoundError('error group');
      return presentOne(actor, group);
    },

    /**
     * Diagnoses a group from its scrubbed samples and stores the answer with it: a hosted model
     * through the AI router when the organization has one, the built-in rules otherwise (or when
     * the model fails). @throws NotFoundError
     */
    async explain(actor: Actor, id: string): Promise<ErrorGroupDto> {
      const group = await load(actor, id);
      const samples = await repo.listOccurrences(db, actor.organizationId, id, 5);
      const input: ExplainInput = {
        errorType: group.errorType,
        title: group.title,
        location: group.location,
        samples: samples.map((s) => ({ message: s.message, context: s.context })),
      };
      const rules = explainByRules(input);
      let explanation: ErrorExplanation = { ...rules, source: 'rules', model: null, createdAt: now().toISOString() };
      const model = await hostedModel(actor.organizationId).catch(() => null);
      if (model && deps.router) {
        try {
          const prompt = [
            `Error type: ${input.errorType}`,
            `Message pattern: ${input.title}`,
            `Where: ${input.location}`,
            `Occurrences: ${group.occurrences}`,
            'Samples:',
            ...input.samples.map((s) => `- ${s.message} ${JSON.stringify(s.context).slice(0, 500)}`),
            `Known hint: ${rules.diagnosis}`,
          ].join('\n');
          const result = await deps.router.generate({
            organizationId: actor.organizationId,
            model,
            options: {
              prompt: [
                {
                  role: 'system',
                  content:
                    'You diagnose failures of an AI workflow platform. Answer with one short paragraph naming the most likely cause, then 2-4 concrete fixes, one per line, each starting with "- ".',
                },
                { role: 'user', content: [{ type: 'text', text: prompt }] },
              ],
              maxOutputTokens: 500,
            },
            signal: AbortSignal.timeout(EXPLAIN_TIMEOUT_MS),
          });
          const parsed = parseModelExplanation(result.text);
          if (parsed.diagnosis) {
            explanation = {
              diagnosis: parsed.diagnosis,
              fixes: parsed.fixes.length > 0 ? parsed.fixes : rules.fixes,
              source: 'model',
              model: result.model,
              createdAt: now().toISOString(),
            };
          }
        } catch (err) {
          log.warn({ err, groupId: id }, 'explain: the model failed; stored the built-in hints');
        }
      }
      await repo.saveExplanation(db, actor.organizationId, id, explanation);
      return presentOne(actor, { ...group, explanation });
    },

    async getAlertSettings(actor: Actor): Promise<ErrorAlertSettingsDto> {
      return presentSettings((await repo.findAlertSettings(db, actor.organizationId)) ?? DEFAULT_SETTINGS, actor.organizationId);
    },

    /** Fields left out keep their value; null clears webhook or email. */
    async putAlertSettings(actor: Actor, body: ErrorAlertSettingsBody): Promise<ErrorAlertSettingsDto> {
      const current = (await repo.findAlertSettings(db, actor.organizationId)) ?? DEFAULT_SETTINGS;
      const owner = webhookOwner(actor.organizationId);
      const saved = await repo.upsertAlertSettings(db, actor.organizationId, {
        webhookUrlCiphertext:
          body.webhookUrl === undefined
            ? current.webhookUrlCiphertext
            : body.webhookUrl === null
              ? null
              : deps.encryptor.encrypt(body.webhookUrl, owner),
        email: body.email === undefined ? current.email : body.email,
        onNew: body.onNew ?? current.onNew,
        onRegression: body.onRegression ?? current.onRegression,
        onSpike: body.onSpike ?? current.onSpike,
        spikePerHour: body.spikePerHour ?? current.spikePerHour,
      });
      settingsCache.delete(actor.organizationId);
      return presentSettings(saved, actor.organizationId);
    },
  };
}
export type ErrorIqService = ReturnType<typeof createErrorIqService>;
