import { BillingOverview } from '../../features/billing/components/billing-overview';
import { PageHeader } from '../page-header';

/** `/settings/billing`: the organization's plan, usage against its limits, and the plans side by side. */
export function BillingRoute() {
  return (
    <div className="settings-page">
      <PageHeader
        title="Plans and billing"
        description="What your plan includes, what this billing period used, and the way to more."
      />
      <BillingOverview />
    </div>
  );
}
