import { NavLink } from 'react-router';
import { AiBudgets } from '../../features/ai/components/ai-budgets';
import { AiProvidersManager } from '../../features/ai/components/ai-providers-manager';
import { AiUsageReport } from '../../features/ai/components/ai-usage-report';
import { ModelCatalog } from '../../features/ai/components/model-catalog';
import { PageHeader } from '../page-header';
import './ai-routes.css';

const TABS = [
  { to: '/ai/providers', label: 'Providers' },
  { to: '/ai/models', label: 'Model catalog' },
  { to: '/ai/usage', label: 'Usage & budget' },
] as const;

/** The AI area's sections as links, so each has its own URL and the browser's back button works. */
function AiTabs() {
  return (
    <nav aria-label="AI sections" className="sub-nav">
      <ul>
        {TABS.map((tab) => (
          <li key={tab.to}>
            <NavLink to={tab.to} className="sub-nav__link">
              {tab.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** `/ai/providers`: which AI providers the organization can call, their keys and a connection test. */
export function AiProvidersRoute() {
  return (
    <>
      <PageHeader
        title="AI providers"
        description="Add a provider's API key to let AI nodes use its models. Keys are stored encrypted in the credential vault; the built-in local provider needs none."
      />
      <AiTabs />
      <AiProvidersManager />
    </>
  );
}

/** `/ai/models`: the model catalog with prices per million tokens. */
export function AiModelsRoute() {
  return (
    <>
      <PageHeader
        title="Model catalog"
        description="Every model the router knows, with prices in USD per million tokens. Models become available when their provider is configured."
      />
      <AiTabs />
      <ModelCatalog />
    </>
  );
}

/** `/ai/usage`: this month's spend against the budget, and usage by day, model, provider, workflow or key. */
export function AiUsageRoute() {
  return (
    <>
      <PageHeader
        title="AI usage & budget"
        description="What AI calls cost this organization, and the monthly limit that stops them."
      />
      <AiTabs />
      <AiBudgets />
      <AiUsageReport />
    </>
  );
}
