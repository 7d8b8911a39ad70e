import { Alert } from '@auterity/design-system';
import type { AiProviderTestResult } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';

interface ProviderTestResultProps {
  providerName: string;
  result: AiProviderTestResult | undefined;
  /** The test request itself failed (not the provider call, which is a result with `ok: false`). */
  error: unknown;
}

/** The outcome of a "Test connection": the model that answered and its latency, or why it failed. */
export function ProviderTestResult({ providerName, result, error }: ProviderTestResultProps) {
  let content;
  if (error) {
    content = (
      <Alert tone="error">
        Could not test {providerName}: {errorText(error)}
      </Alert>
    );
  } else if (result?.ok) {
    content = (
      <Alert tone="success">
        <strong>{providerName} is connected.</strong>{' '}
        {result.model ? (
          <>
            <code>{result.model}</code> answered
          </>
        ) : (
          'It answered'
        )}
        {result.latencyMs === null ? '.' : ` in ${result.latencyMs} ms.`}
      </Alert>
    );
  } else if (result) {
    content = (
      <Alert tone="error">
        <strong>{providerName} did not answer.</strong> {result.error ?? 'The call failed.'}
      </Alert>
    );
  } else {
    return null;
  }
  return (
    <div data-testid="provider-test-result" data-ok={result?.ok === true ? 'true' : 'false'}>
      {content}
    </div>
  );
}
