import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { Alert } from '@auterity/design-system';

/** A page's error boundary: the rest of the app (navigation included) keeps working. */
export function RouteError() {
  const error = useRouteError();
  const isNotFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <div className="route-error">
      <Alert tone="error">
        {isNotFound
          ? 'This page does not exist.'
          : 'This page failed to load. Reload to try again; if it keeps happening, tell us.'}
      </Alert>
      <p>
        <Link to="/dashboard">Back to the dashboard</Link>
      </p>
    </div>
  );
}
