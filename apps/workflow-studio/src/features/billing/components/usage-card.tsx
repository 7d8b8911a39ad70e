import { Link } from 'react-router';
import { Alert, Card, Spinner } from '@auterity/design-system';
import { errorText } from '../../../utils/error-text';
import { useUsage } from '../api/get-usage';
import { UsageMeters } from './usage-meters';
import '../billing.css';

/** The dashboard's plan usage: the limited metrics of this period against the plan. */
export function UsageCard() {
  const usage = useUsage();
  return (
    <Card label="Plan usage">
      <div className="billing-card-header">
        <h2 className="card-title">Plan usage</h2>
        <Link to="/settings/billing" className="small">
          Plans and billing
        </Link>
      </div>
      {usage.isPending ? (
        <Spinner size="sm" label="Loading plan usage" />
      ) : usage.isError ? (
        <Alert tone="error">{errorText(usage.error)}</Alert>
      ) : (
        <UsageMeters meters={usage.data.meters} limitedOnly />
      )}
    </Card>
  );
}
