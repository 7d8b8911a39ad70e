import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import Stripe from 'stripe';
import type { Express } from 'express';
import { createServices, createApp } from '../../app';
import { createLocalEventBus } from '../../lib/event-bus';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, uniqueEmail, type SignedInUser } from '../../../test/factories';
import { DEFAULT_PLANS_FILE, testConfig, testDeps } from '../../../test/test-app';
import { createAuditService } from '../audit/audit.service';
import { captureLogger } from '../../../test/test-app';
import { addPeriod, createBillingService } from './billing.service';
import { createPlanBook, loadPlanCatalog } from './plans';
import { createStripeGateway } from './stripe-gateway';

const WEBHOOK_SECRET = 'whsec_test_secret_for_billing_tests';
const stripe = new Stripe('sk_test_billing');

/** A catalog file: the repository's, with edits. */
function catalogFile(edit: (catalog: { trial: unknown; plans: { id: string; stripePriceIds?: object }[] }) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plans-'));
  const file = path.join(dir, 'plans.json');
  const catalog = JSON.parse(readFileSync(DEFAULT_PLANS_FILE, 'utf8')) as Parameters<typeof edit>[0];
  edit(catalog);
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

describe('billing: plans, subscriptions, metering, limits and administration', () => {
  let test: TestDatabase;
  let app: Express;
  let services: ReturnType<typeof createServices>;
  let admin: SignedInUser;
  const adminEmail = uniqueEmail('platform');

  function build(env: Record<string, string> = {}) {
    const settings: Record<string, string> = {
      PLANS_FILE: DEFAULT_PLANS_FILE,
      PLATFORM_ADMIN_EMAILS: adminEmail,
      STRIPE_SECRET_KEY: 'sk_test_billing',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ...env,
    };
    // An empty value leaves the setting out.
    for (const [key, value] of Object.entries(settings)) if (value === '') delete settings[key];
    const deps = testDeps(test.db, { config: testConfig(settings) });
    const s = createServices(deps);
    return { app: createApp(deps, s), services: s };
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    ({ app, services } = build());
    admin = await registerOwner(app, { email: adminEmail });
  });
  afterAll(async () => {
    await services.billing.stop();
    await test.drop();
  });

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });
  const graph = { nodes: [{ id: 't', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'hi' } } }], edges: [] };
  const webhookGraph = {
    nodes: [
      { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } },
      { id: 'reply', type: 'respond', position: { x: 200, y: 0 }, data: { config: { value: '{{ $ }}', status: 200 } } },
    ],
    edges: [{ id: 'e', source: 'hook', target: 'reply' }],
  };
  const createWorkflow = (user: SignedInUser, body: object = {}) =>
    request(app)
      .post('/api/workflows')
      .set(as(user))
      .send({ name: 'w', canvasData: graph, ...body });
  const subscriptionRow = async (organizationId: string) =>
    (
      await test.db.query<{ plan_id: string; status: string; pending_plan_id: string | null; cancel_at_period_end: boolean }>(
        'SELECT plan_id, status, pending_plan_id, cancel_at_period_end FROM subscriptions WHERE organization_id = $1',
        [organizationId],
      )
    ).rows[0];
  const setExecutionsUsed = (organizationId: string, value: number) =>
    test.db.query(
      `INSERT INTO subscription_usage (subscription_id, period_start, period_end, metric_name, metric_value)
       SELECT id, current_period_start, current_period_end, 'executions', $2 FROM subscriptions WHERE organization_id = $1
       ON CONFLICT (subscription_id, metric_name, period_start) DO UPDATE SET metric_value = EXCLUDED.metric_value`,
      [organizationId, value],
    );
  const auditActions = async (organizationId: string) =>
    (
      await test.db.query<{ action: string }>('SELECT action FROM audit_log WHERE organization_id = $1 ORDER BY created_at', [
        organizationId,
      ])
    ).rows.map((r) => r.action);

  function signed(event: object): { body: string; signature: string } {
    const body = JSON.stringify(event);
    return { body, signature: stripe.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET }) };
  }
  const postStripe = (body: string, signature: string, target: Express = app) =>
    request(target)
      .post('/api/billing/webhooks/stripe')
      .set('content-type', 'application/json')
      .set('stripe-signature', signature)
      .send(body);

  describe('GET /api/billing/*', () => {
    it('lists the catalog, and a new organization is on Free, active, with meters against its limits', async () => {
      const owner = await registerOwner(app);

      const plans = await request(app).get('/api/billing/plans').set(as(owner));
      const subscription = await request(app).get('/api/billing/subscription').set(as(owner));
      const usage = await request(app).get('/api/billing/usage').set(as(owner));

      expect(plans.status).toBe(200);
      expect(plans.body.items.map((p: { id: string }) => p.id)).toEqual(['free', 'starter', 'professional', 'enterprise']);
      expect(plans.body.items[0].limits).toEqual({
        activeWorkflows: 5,
        executionsPerMonth: 1000,
        aiSpendUsdPerMonth: '5',
        members: 3,
        apiRequestsPerMinute: 60,
        executionLogRetentionDays: 7,
      });
      expect(subscription.body).toMatchObject({
        organizationId: owner.user.organizationId,
        planId: 'free',
        status: 'active',
        billingCycle: 'monthly',
        cancelAtPeriodEnd: false,
        pendingPlanId: null,
        paymentsEnabled: true,
      });
      expect(usage.status).toBe(200);
      expect(usage.body.meters).toEqual(
        expect.arrayContaining([
          { metric: 'active_workflows', used: 0, limit: 5 },
          { metric: 'executions', used: 0, limit: 1000 },
          { metric: 'members', used: 1, limit: 3 },
        ]),
      );
    });

    it('refuses anonymous callers', async () => {
      const res = await request(app).get('/api/billing/subscription');

      expect(res.status).toBe(401);
    });
  });

  describe('limits answer 402 plan_limit_reached', () => {
    it('refuses a sixth active workflow on Free (creating or activating), and inactive ones are free', async () => {
      const owner = await registerOwner(app);
      for (let i = 0; i < 5; i++) expect((await createWorkflow(owner)).status).toBe(201);

      const sixth = await createWorkflow(owner);
      const inactive = await createWorkflow(owner, { isActive: false });
      const activate = await request(app).put(`/api/workflows/${inactive.body.id}`).set(as(owner)).send({ isActive: true });

      expect(sixth.status).toBe(402);
      expect(sixth.body).toMatchObject({
        code: 'plan_limit_reached',
        error: 'The plan allows 5 active workflows. Upgrade the plan to continue.',
        details: { metric: 'active_workflows', limit: 5, used: 5, plan: 'free' },
      });
      expect(inactive.status).toBe(201);
      expect(activate.status).toBe(402);
      expect(activate.body.details).toEqual({ metric: 'active_workflows', limit: 5, used: 5, plan: 'free' });
    });

    it('lets exactly the free slots through when activations race', async () => {
      const owner = await registerOwner(app);
      for (let i = 0; i < 3; i++) await createWorkflow(owner);

      const raced = await Promise.all(Array.from({ length: 8 }, () => createWorkflow(owner)));

      expect(raced.filter((r) => r.status === 201)).toHaveLength(2);
      expect(raced.filter((r) => r.status === 402)).toHaveLength(6);
    });

    it('refuses executions past the monthly quota, from the API and from webhooks alike', async () => {
      const owner = await registerOwner(app);
      // Before the organization's first request: other processes' counts show after the hot path's two-second cache.
      await setExecutionsUsed(owner.user.organizationId, 1000);
      const wf = await createWorkflow(owner);
      const hook = await createWorkflow(owner, { canvasData: webhookGraph });

      const execute = await request(app).post(`/api/workflows/${wf.body.id}/execute`).set(as(owner)).send({});
      const webhook = await request(app).post(hook.body.webhookPath).send({ a: 1 });

      const body = {
        code: 'plan_limit_reached',
        details: { metric: 'executions', limit: 1000, used: 1000, plan: 'free' },
      };
      expect(execute.status).toBe(402);
      expect(execute.body).toMatchObject(body);
      expect(webhook.status).toBe(402);
      expect(webhook.body).toMatchObject(body);
    });

    it('counts every execution in the period (API and webhook)', async () => {
      const owner = await registerOwner(app);
      const wf = await createWorkflow(owner);
      const hook = await createWorkflow(owner, { canvasData: webhookGraph });

      await Promise.all(
        Array.from({ length: 6 }, () =>
          request(app).post(`/api/workflows/${wf.body.id}/execute?wait=10`).set(as(owner)).send({}),
        ),
      );
      await Promise.all(Array.from({ length: 4 }, () => request(app).post(hook.body.webhookPath).send({})));
      const usage = await request(app).get('/api/billing/usage').set(as(owner));

      expect(usage.body.meters).toEqual(expect.arrayContaining([{ metric: 'executions', used: 10, limit: 1000 }]));
      expect(usage.body.periods[0].metrics.executions).toBe(10);
    });

    it('refuses an invite beyond the seats (pending invites count)', async () => {
      const owner = await registerOwner(app);
      await addMember(app, test.db, owner.user.organizationId, 'editor');
      const first = await request(app)
        .post('/api/invites')
        .set(as(owner))
        .send({ email: uniqueEmail('i'), role: 'viewer' });

      const second = await request(app)
        .post('/api/invites')
        .set(as(owner))
        .send({ email: uniqueEmail('i'), role: 'viewer' });

      expect(first.status).toBe(201);
      expect(second.status).toBe(402);
      expect(second.body).toMatchObject({
        code: 'plan_limit_reached',
        details: { metric: 'members', limit: 3, used: 3, plan: 'free' },
      });
    });

    it("refuses AI calls once the plan's AI spend is used up, and meters tokens and cost", async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'starter' });
      await test.db.query(
        `INSERT INTO ai_usage (organization_id, provider, model, input_tokens, output_tokens, cost_usd, latency_ms)
         VALUES ($1, 'openai', 'gpt-4o', 1000, 500, 30, 10), ($1, 'openai', 'gpt-4o', 10, 5, 20, 10)`,
        [org],
      );

      const gateway = await request(app)
        .post('/v1/chat/completions')
        .set(as(owner))
        .send({ model: 'local/echo', messages: [{ role: 'user', content: 'hi' }] });
      const node = await services.aiRouter
        .generate({
          organizationId: org,
          model: 'local/echo',
          signal: new AbortController().signal,
          options: { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
        })
        .catch((err: unknown) => err);
      const usage = await request(app).get('/api/billing/usage').set(as(owner));

      expect(gateway.status).toBe(402);
      expect(gateway.body.error).toMatchObject({
        code: 'plan_limit_reached',
        type: 'insufficient_quota',
        message: "The plan's $50 of AI spend for this month is used up ($50 spent). Upgrade the plan to continue.",
      });
      expect(node).toMatchObject({
        status: 402,
        code: 'plan_limit_reached',
        details: { metric: 'ai_cost_usd', limit: 50, used: 50, plan: 'starter' },
      });
      expect(usage.body.periods[0].metrics).toMatchObject({ ai_input_tokens: 1010, ai_output_tokens: 505, ai_cost_usd: 50 });
    });

    it('keeps the AI gateway to plans that include it', async () => {
      const owner = await registerOwner(app);
      const call = () =>
        request(app)
          .post('/v1/chat/completions')
          .set(as(owner))
          .send({ model: 'local/echo', messages: [{ role: 'user', content: 'hi' }] });

      const free = await call();
      await request(app)
        .patch(`/api/admin/organizations/${owner.user.organizationId}/plan`)
        .set(as(admin))
        .send({ planId: 'starter' });
      const starter = await call();

      expect(free.status).toBe(402);
      expect(free.body.error).toMatchObject({
        code: 'plan_limit_reached',
        message: 'The plan does not include the AI gateway (/v1). Upgrade the plan to continue.',
      });
      expect(starter.status).toBe(200);
    });

    it("tells collaboration the plan's simultaneous editors", async () => {
      const owner = await registerOwner(app);
      await request(app)
        .patch(`/api/admin/organizations/${owner.user.organizationId}/plan`)
        .set(as(admin))
        .send({ planId: 'enterprise' });

      const enterprise = await services.billing.collaboratorLimit(owner.user.organizationId);
      const free = await services.billing.collaboratorLimit(admin.user.organizationId);

      expect(enterprise).toBeNull();
      expect(free).toBe(2);
    });

    it("limits API keys to the plan's requests a minute and counts them", async () => {
      const owner = await registerOwner(app);
      const key = await request(app)
        .post('/api/api-keys')
        .set(as(owner))
        .send({ name: 'k', scopes: ['workflows:read'] });
      const statuses: number[] = [];
      for (let i = 0; i < 62; i++)
        statuses.push((await request(app).get('/api/workflows').set('X-API-Key', key.body.key)).status);
      await services.billing.flushApiRequests();
      const usage = await request(app).get('/api/billing/usage').set(as(owner));

      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
      // Refused requests are not counted.
      expect(usage.body.periods[0].metrics.api_requests).toBe(60);
    });
  });

  describe('platform administration', () => {
    it('is refused to everyone but platform administrators', async () => {
      const owner = await registerOwner(app);

      const list = await request(app).get('/api/admin/organizations').set(as(owner));
      const suspend = await request(app)
        .post(`/api/admin/organizations/${admin.user.organizationId}/suspend`)
        .set(as(owner))
        .send({ reason: 'x' });
      const users = await request(app).get('/api/admin/users?search=a').set(as(owner));

      expect([list.status, suspend.status, users.status]).toEqual([403, 403, 403]);
      expect(list.body.code).toBe('forbidden');
    });

    it('filters organizations by plan and status', async () => {
      const owner = await registerOwner(app, { organizationName: 'Filtered Starter Co' });
      await request(app)
        .patch(`/api/admin/organizations/${owner.user.organizationId}/plan`)
        .set(as(admin))
        .send({ planId: 'starter' });

      const starter = await request(app).get('/api/admin/organizations?planId=starter&status=active&limit=500').set(as(admin));
      const suspended = await request(app).get('/api/admin/organizations?planId=starter&status=suspended').set(as(admin));
      const one = await request(app).get(`/api/admin/organizations/${owner.user.organizationId}`).set(as(admin));

      expect(starter.body.items.map((o: { id: string }) => o.id)).toContain(owner.user.organizationId);
      expect(starter.body.items.every((o: { subscription: { planId: string } }) => o.subscription.planId === 'starter')).toBe(
        true,
      );
      expect(suspended.body.items.map((o: { id: string }) => o.id)).not.toContain(owner.user.organizationId);
      expect(one.body).toMatchObject({ name: 'Filtered Starter Co', subscription: { planId: 'starter' } });
    });

    it('lists organizations with plan, status and usage, and finds users', async () => {
      const owner = await registerOwner(app, { organizationName: 'Findable Robotics' });

      const list = await request(app).get('/api/admin/organizations?search=Findable%20Robotics').set(as(admin));
      const users = await request(app).get(`/api/admin/users?search=${owner.email}`).set(as(admin));
      const missing = await request(app).get('/api/admin/organizations/00000000-0000-4000-8000-000000000000').set(as(admin));

      expect(list.status).toBe(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toContain(owner.user.organizationId);
      const row = list.body.items.find((o: { id: string }) => o.id === owner.user.organizationId);
      expect(row).toMatchObject({
        name: 'Findable Robotics',
        memberCount: 1,
        subscription: { planId: 'free', status: 'active' },
      });
      expect(row.meters).toEqual(expect.arrayContaining([{ metric: 'members', used: 1, limit: 3 }]));
      expect(users.body.items).toEqual([
        expect.objectContaining({ email: owner.email, organizationId: owner.user.organizationId, isPlatformAdmin: false }),
      ]);
      expect(missing.status).toBe(404);
    });

    it('changes plans: upgrades at once, downgrades at the end of the period; audited', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;

      const up = await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'professional' });
      for (let i = 0; i < 6; i++) expect((await createWorkflow(owner)).status).toBe(201);
      const down = await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'starter' });
      const tier = await test.db.query<{ subscription_tier: string }>(
        'SELECT subscription_tier FROM organizations WHERE id = $1',
        [org],
      );

      expect(up.status).toBe(200);
      expect(up.body.subscription).toMatchObject({ planId: 'professional', pendingPlanId: null });
      expect(down.body.subscription).toMatchObject({ planId: 'professional', pendingPlanId: 'starter' });
      expect(tier.rows[0]?.subscription_tier).toBe('professional');
      expect(await auditActions(org)).toEqual(expect.arrayContaining(['admin.organization.plan_changed']));
    });

    it('suspends an organization (every API call refused with a clear message, webhooks too, data kept) and reactivates it', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      const hook = await createWorkflow(owner, { canvasData: webhookGraph });

      const suspended = await request(app)
        .post(`/api/admin/organizations/${org}/suspend`)
        .set(as(admin))
        .send({ reason: 'Unpaid invoices' });
      const list = await request(app).get('/api/workflows').set(as(owner));
      const webhook = await request(app).post(hook.body.webhookPath).send({});
      const me = await request(app).get('/api/auth/me').set(as(owner));
      const again = await request(app).post(`/api/admin/organizations/${org}/suspend`).set(as(admin)).send({ reason: 'x' });
      const reactivated = await request(app).post(`/api/admin/organizations/${org}/reactivate`).set(as(admin));
      const after = await request(app).get('/api/workflows').set(as(owner));
      const notSuspended = await request(app).post(`/api/admin/organizations/${org}/reactivate`).set(as(admin));

      expect(suspended.status).toBe(200);
      expect(suspended.body).toMatchObject({ suspendedReason: 'Unpaid invoices', subscription: { status: 'suspended' } });
      expect(list.status).toBe(403);
      expect(list.body).toMatchObject({
        code: 'organization_suspended',
        error: 'This organization is suspended: Unpaid invoices. Its data is kept; contact support to reactivate it.',
      });
      expect(webhook.status).toBe(403);
      expect(webhook.body.code).toBe('organization_suspended');
      expect(me.status).toBe(200);
      expect(again.status).toBe(409);
      expect(reactivated.body.subscription.status).toBe('active');
      expect(after.status).toBe(200);
      expect(after.body.items).toHaveLength(1);
      expect(notSuspended.status).toBe(409);
      expect(await auditActions(org)).toEqual(
        expect.arrayContaining(['admin.organization.suspended', 'admin.organization.reactivated']),
      );
    });

    it('applies a suspension at once in another process sharing the event bus', async () => {
      const bus = createLocalEventBus();
      const settings = { PLANS_FILE: DEFAULT_PLANS_FILE, PLATFORM_ADMIN_EMAILS: adminEmail };
      const one = testDeps(test.db, { config: testConfig(settings), bus });
      const two = testDeps(test.db, { config: testConfig(settings), bus });
      const [s1, s2] = [createServices(one), createServices(two)];
      const [app1, app2] = [createApp(one, s1), createApp(two, s2)];
      const owner = await registerOwner(app1);
      const warm = await request(app2).get('/api/workflows').set(as(owner));

      await request(app1)
        .post(`/api/admin/organizations/${owner.user.organizationId}/suspend`)
        .set(as(admin))
        .send({ reason: 'x' });
      const refused = await request(app2).get('/api/workflows').set(as(owner));

      expect(warm.status).toBe(200);
      expect(refused.status).toBe(403);
      await s1.billing.stop();
      await s2.billing.stop();
    });

    it('keeps a suspension through Stripe events and the period rollover', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'starter' });
      await request(app).post('/api/billing/subscription/cancel').set(as(owner)).send({ cancelAtPeriodEnd: true });
      const suspended = await request(app)
        .post(`/api/admin/organizations/${org}/suspend`)
        .set(as(admin))
        .send({ reason: 'fraud' });
      const { body, signature } = signed({
        id: `evt_suspended_${org}`,
        type: 'customer.subscription.updated',
        data: { object: { id: 'sub_s', status: 'active', metadata: { organizationId: org, planId: 'professional' } } },
      });

      await postStripe(body, signature);
      const afterStripe = await subscriptionRow(org);
      await services.billing.rollover(new Date(Date.parse(suspended.body.subscription.currentPeriodEnd) + 1));
      const afterRollover = await subscriptionRow(org);

      expect(afterStripe).toMatchObject({ status: 'suspended', plan_id: 'professional' });
      expect(afterRollover).toMatchObject({ status: 'suspended', plan_id: 'free', cancel_at_period_end: false });
    });

    it("refuses to suspend the administrator's own organization", async () => {
      const res = await request(app)
        .post(`/api/admin/organizations/${admin.user.organizationId}/suspend`)
        .set(as(admin))
        .send({ reason: 'oops' });

      expect(res.status).toBe(409);
    });

    it('starts and extends a trial', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;

      const started = await request(app).post(`/api/admin/organizations/${org}/trial`).set(as(admin)).send({ days: 14 });
      const extended = await request(app).post(`/api/admin/organizations/${org}/trial`).set(as(admin)).send({ days: 7 });

      expect(started.body.subscription).toMatchObject({ status: 'trialing', planId: 'professional' });
      const days = (iso: string) => Math.round((Date.parse(iso) - Date.now()) / 86_400_000);
      expect(days(started.body.subscription.trialEnd)).toBe(14);
      expect(days(extended.body.subscription.trialEnd)).toBe(21);
      expect(extended.body.subscription.currentPeriodEnd).toBe(extended.body.subscription.trialEnd);
      expect(await auditActions(org)).toEqual(expect.arrayContaining(['admin.organization.trial_extended']));
    });
  });

  describe('lifecycle and rollover', () => {
    it('trial → active → past_due → cancelled, with Stripe events and the period rollover', async () => {
      const trialApp = build({
        PLANS_FILE: catalogFile((c) => {
          c.trial = { planId: 'starter', days: 14 };
        }),
      });
      const owner = await registerOwner(trialApp.app);
      const org = owner.user.organizationId;
      const trialing = await request(trialApp.app).get('/api/billing/subscription').set(as(owner));
      const event = (id: string, type: string, object: object) => signed({ id, type, data: { object } });

      const paid = event('evt_lc_1', 'checkout.session.completed', {
        client_reference_id: org,
        customer: 'cus_lc',
        subscription: 'sub_lc',
        metadata: { planId: 'starter', billingCycle: 'monthly' },
      });
      await postStripe(paid.body, paid.signature, trialApp.app);
      const active = await subscriptionRow(org);
      const failed = event('evt_lc_2', 'invoice.payment_failed', { customer: 'cus_lc', subscription: 'sub_lc' });
      await postStripe(failed.body, failed.signature, trialApp.app);
      const pastDue = await subscriptionRow(org);
      const end = new Date(trialing.body.currentPeriodEnd);
      const rolled = await trialApp.services.billing.rollover(new Date(end.getTime() + 1000));
      const cancelled = await request(trialApp.app).get('/api/billing/subscription').set(as(owner));

      expect(trialing.body).toMatchObject({ status: 'trialing', planId: 'starter' });
      expect(Math.round((Date.parse(trialing.body.trialEnd) - Date.now()) / 86_400_000)).toBe(14);
      expect(active).toMatchObject({ status: 'active', plan_id: 'starter' });
      expect(pastDue).toMatchObject({ status: 'past_due', plan_id: 'starter' });
      expect(rolled).toBeGreaterThanOrEqual(1);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', planId: 'free', cancelAtPeriodEnd: false });
      expect(Date.parse(cancelled.body.currentPeriodStart)).toBe(end.getTime());
      expect(await auditActions(org)).toEqual(expect.arrayContaining(['billing.stripe.event', 'billing.subscription.cancelled']));
    });

    it('a trial that ends unpaid falls back to Free', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      const trial = await request(app).post(`/api/admin/organizations/${org}/trial`).set(as(admin)).send({ days: 3 });

      await services.billing.rollover(new Date(Date.parse(trial.body.subscription.trialEnd) + 1));

      expect(await subscriptionRow(org)).toMatchObject({ status: 'active', plan_id: 'free' });
    });

    it('rolls a period over once, snapshots the gauges, applies a pending downgrade and a cancellation at period end', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'professional' });
      await createWorkflow(owner);
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'starter' });
      const before = await request(app).get('/api/billing/subscription').set(as(owner));
      const end = new Date(before.body.currentPeriodEnd);
      await setExecutionsUsed(org, 7);

      const [a, b] = await Promise.all([
        services.billing.rollover(new Date(end.getTime() + 1)),
        services.billing.rollover(new Date(end.getTime() + 1)),
      ]);
      const afterDowngrade = await request(app).get('/api/billing/subscription').set(as(owner));
      const cancel = await request(app).post('/api/billing/subscription/cancel').set(as(owner)).send({ cancelAtPeriodEnd: true });
      const secondEnd = new Date(afterDowngrade.body.currentPeriodEnd);
      await services.billing.rollover(new Date(secondEnd.getTime() + 1));
      const afterCancel = await request(app).get('/api/billing/subscription').set(as(owner));
      const usage = await request(app).get('/api/billing/usage').set(as(owner));

      expect(a + b).toBeGreaterThanOrEqual(1);
      expect(afterDowngrade.body).toMatchObject({ planId: 'starter', pendingPlanId: null, status: 'active' });
      expect(afterDowngrade.body.currentPeriodStart).toBe(end.toISOString());
      expect(afterDowngrade.body.currentPeriodEnd).toBe(addPeriod(end, 'monthly').toISOString());
      expect(cancel.body.cancelAtPeriodEnd).toBe(true);
      expect(afterCancel.body).toMatchObject({ status: 'cancelled', planId: 'free', cancelAtPeriodEnd: false });
      expect(usage.body.periods).toHaveLength(3);
      const first = usage.body.periods.find((p: { periodEnd: string }) => p.periodEnd === end.toISOString());
      expect(first.metrics).toMatchObject({ executions: 7, active_workflows: 1, members: 1 });
    });

    it('deletes execution logs older than the plan keeps them, and only those', async () => {
      const free = await registerOwner(app);
      const pro = await registerOwner(app);
      await request(app)
        .patch(`/api/admin/organizations/${pro.user.organizationId}/plan`)
        .set(as(admin))
        .send({ planId: 'professional' });
      const ids: Record<string, string> = {};
      for (const [name, owner] of [
        ['free', free],
        ['pro', pro],
      ] as const) {
        const wf = await createWorkflow(owner);
        const run = await request(app).post(`/api/workflows/${wf.body.id}/execute`).set(as(owner)).send({});
        ids[name] = run.body.id;
        await test.db.query(
          `UPDATE workflow_executions SET status = 'succeeded', created_at = now() - interval '8 days' WHERE id = $1`,
          [run.body.id],
        );
      }

      await services.billing.pruneExecutionLogs();
      const left = await test.db.query<{ id: string }>('SELECT id FROM workflow_executions WHERE id = ANY ($1::uuid[])', [
        Object.values(ids),
      ]);

      expect(left.rows.map((r) => r.id)).toEqual([ids.pro]);
    });

    it('takes back a cancellation at period end, and refuses a trial while suspended', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'starter' });

      const cancel = await request(app).post('/api/billing/subscription/cancel').set(as(owner)).send({ cancelAtPeriodEnd: true });
      const keep = await request(app).post('/api/billing/subscription/cancel').set(as(owner)).send({ cancelAtPeriodEnd: false });
      await request(app).post(`/api/admin/organizations/${org}/suspend`).set(as(admin)).send({ reason: 'review' });
      const trial = await request(app).post(`/api/admin/organizations/${org}/trial`).set(as(admin)).send({ days: 3 });

      expect(cancel.body.cancelAtPeriodEnd).toBe(true);
      expect(keep.body.cancelAtPeriodEnd).toBe(false);
      expect(trial.status).toBe(409);
      expect(await auditActions(org)).toEqual(
        expect.arrayContaining(['billing.subscription.cancel_scheduled', 'billing.subscription.cancel_withdrawn']),
      );
    });

    it('refuses to cancel the Free plan', async () => {
      const owner = await registerOwner(app);

      const res = await request(app).post('/api/billing/subscription/cancel').set(as(owner)).send({ cancelAtPeriodEnd: true });

      expect(res.status).toBe(409);
    });

    it('ends periods on the same day of the month, clamped to shorter months', () => {
      expect(addPeriod(new Date('2026-01-31T10:00:00Z'), 'monthly').toISOString()).toBe('2026-02-28T10:00:00.000Z');
      expect(addPeriod(new Date('2026-03-15T00:00:00Z'), 'yearly').toISOString()).toBe('2027-03-15T00:00:00.000Z');
    });
  });

  describe('POST /api/billing/webhooks/stripe', () => {
    it('refuses a bad or missing signature and changes nothing', async () => {
      const owner = await registerOwner(app);
      const { body } = signed({
        id: 'evt_bad',
        type: 'customer.subscription.deleted',
        data: { object: { client_reference_id: owner.user.organizationId } },
      });

      const forged = await postStripe(body, 't=1,v1=deadbeef');
      const missing = await request(app).post('/api/billing/webhooks/stripe').set('content-type', 'application/json').send(body);

      expect(forged.status).toBe(400);
      expect(forged.body.error).toBe('Stripe signature verification failed');
      expect(missing.status).toBe(400);
    });

    it('applies an event once: a replay changes nothing', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      const updated = signed({
        id: `evt_${org}`,
        type: 'customer.subscription.updated',
        data: {
          object: {
            id: 'sub_replay',
            customer: `cus_${org.slice(0, 8)}`,
            status: 'active',
            cancel_at_period_end: false,
            metadata: { organizationId: org, planId: 'professional' },
            items: {
              data: [{ current_period_start: 1_900_000_000, current_period_end: 1_902_592_000, price: { id: 'price_x' } }],
            },
          },
        },
      });

      const first = await postStripe(updated.body, updated.signature);
      await request(app).patch(`/api/admin/organizations/${org}/plan`).set(as(admin)).send({ planId: 'free', effective: 'now' });
      const replay = await postStripe(updated.body, updated.signature);
      const row = await subscriptionRow(org);
      const events = await test.db.query('SELECT id FROM stripe_events WHERE id = $1', [`evt_${org}`]);

      expect(first.body).toEqual({ received: true, duplicate: false });
      expect(replay.body).toEqual({ received: true, duplicate: true });
      expect(row).toMatchObject({ plan_id: 'free', status: 'active' });
      expect(events.rows).toHaveLength(1);
    });

    it('follows the subscription through Stripe events, and ignores events it does not handle or cannot place', async () => {
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      const customer = `cus_${org.slice(0, 12)}`;
      let n = 0;
      const send = async (type: string, object: object) => {
        const { body, signature } = signed({ id: `evt_${org}_${(n += 1)}`, type, data: { object } });
        const res = await postStripe(body, signature);
        expect(res.status).toBe(200);
        return subscriptionRow(org);
      };
      const subscription = (status: string, extra: object = {}) => ({
        id: `sub_${org.slice(0, 12)}`,
        customer,
        status,
        metadata: { organizationId: org, planId: 'professional' },
        ...extra,
      });

      const trialing = await send('customer.subscription.created', subscription('trialing', { trial_end: 1_900_000_000 }));
      const active = await send('customer.subscription.updated', subscription('active', { cancel_at_period_end: true }));
      const failed = await send('invoice.payment_failed', { customer });
      const paid = await send('invoice.paid', { customer });
      const unhandled = await send('charge.refunded', { customer });
      const stranger = await send('invoice.payment_failed', { customer: 'cus_nobody' });
      const canceled = await send('customer.subscription.updated', subscription('canceled'));
      const failedAfter = await send('invoice.payment_failed', { customer });
      const deleted = await send('customer.subscription.deleted', subscription('canceled'));

      expect(trialing).toMatchObject({ status: 'trialing', plan_id: 'professional' });
      expect(active).toMatchObject({ status: 'active', plan_id: 'professional', cancel_at_period_end: true });
      expect(failed).toMatchObject({ status: 'past_due' });
      expect(paid).toMatchObject({ status: 'active' });
      expect(unhandled).toMatchObject({ status: 'active' });
      expect(stranger).toMatchObject({ status: 'active' });
      expect(canceled).toMatchObject({ status: 'cancelled', plan_id: 'free' });
      expect(failedAfter).toMatchObject({ status: 'cancelled' });
      expect(deleted).toMatchObject({ status: 'cancelled', plan_id: 'free', cancel_at_period_end: false });
    });

    it('creates Checkout and portal links through the Stripe API, and refuses them without a price or a customer', async () => {
      const calls: { path: string; body: string }[] = [];
      const fake: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          calls.push({ path: req.url ?? '', body: decodeURIComponent(body) });
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify(
              req.url?.startsWith('/v1/checkout/sessions')
                ? { id: 'cs_1', object: 'checkout.session', url: 'https://checkout.stripe.test/cs_1' }
                : { id: 'bps_1', object: 'billing_portal.session', url: 'https://portal.stripe.test/bps_1' },
            ),
          );
        });
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const { port } = fake.address() as AddressInfo;
      const owner = await registerOwner(app);
      const org = owner.user.organizationId;
      const log = captureLogger().log;
      const billing = createBillingService({
        db: test.db,
        log,
        plans: createPlanBook(
          loadPlanCatalog(
            catalogFile((c) => {
              const starter = c.plans.find((p) => p.id === 'starter');
              if (starter) starter.stripePriceIds = { monthly: 'price_starter_monthly' };
            }),
          ),
        ),
        audit: createAuditService({ db: test.db, log }),
        publicUrl: 'http://studio.test',
        stripe: createStripeGateway({
          secretKey: 'sk_test_fake',
          webhookSecret: WEBHOOK_SECRET,
          host: { host: '127.0.0.1', port, protocol: 'http' },
        }),
      });
      const actor = {
        kind: 'user' as const,
        userId: owner.user.id,
        organizationId: org,
        email: owner.email,
        role: 'owner' as const,
        permissions: [],
        sessionId: 's',
      };

      try {
        const noCustomer = await billing.portal(actor).catch((e: unknown) => e);
        const noPrice = await billing.checkout(actor, 'professional', 'monthly').catch((e: unknown) => e);
        const checkout = await billing.checkout(actor, 'starter', 'monthly');
        await test.db.query(`UPDATE subscriptions SET stripe_customer_id = 'cus_portal' WHERE organization_id = $1`, [org]);
        const portal = await billing.portal(actor);

        expect(noCustomer).toMatchObject({ status: 409 });
        expect(noPrice).toMatchObject({ status: 409 });
        expect(checkout.url).toBe('https://checkout.stripe.test/cs_1');
        expect(portal.url).toBe('https://portal.stripe.test/bps_1');
        expect(calls[0]?.body).toContain('line_items[0][price]=price_starter_monthly');
        expect(calls[0]?.body).toContain(`client_reference_id=${org}`);
        expect(calls[1]?.body).toContain('customer=cus_portal');
      } finally {
        await new Promise((resolve) => fake.close(resolve));
      }
    });

    it('answers 409 to checkout and portal when nothing is configured for them', async () => {
      const owner = await registerOwner(app);

      const checkout = await request(app).post('/api/billing/checkout').set(as(owner)).send({ planId: 'starter' });
      const portal = await request(app).post('/api/billing/portal').set(as(owner));

      expect(checkout.status).toBe(409);
      expect(portal.status).toBe(409);
    });

    it('answers 404 when Stripe is not configured', async () => {
      const plain = build({ STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });

      const res = await postStripe('{}', 't=1,v1=x', plain.app);

      expect(res.status).toBe(404);
    });
  });
});
