import { useRef, useState } from 'react';
import { Alert, Button, Modal } from '@auterity/design-system';
import type { WorkflowDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useRotateWebhook } from '../api/rotate-webhook';
import '../workflows.css';

interface WebhookPanelProps {
  workflow: WorkflowDto;
  /** The canvas has a webhook trigger (saved or not). */
  hasWebhookTrigger: boolean;
}

/** The workflow's secret webhook URL, with copy and rotate; shown when it has a webhook trigger. */
export function WebhookPanel({ workflow, hasWebhookTrigger }: WebhookPanelProps) {
  const rotate = useRotateWebhook();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [isConfirming, setIsConfirming] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  if (!hasWebhookTrigger && !workflow.webhookPath) return null;
  const url = workflow.webhookPath ? `${window.location.origin}${workflow.webhookPath}` : null;

  const handleCopy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setCopyState('copied');
    } catch {
      inputRef.current?.select();
      setCopyState('failed');
    }
  };

  return (
    <section className="side-section" aria-labelledby="webhook-title">
      <h3 id="webhook-title" className="side-section__title">
        Webhook
      </h3>
      {url ? (
        <div className="copy-field">
          <label className="ds-field__label" htmlFor="webhook-url">
            URL
          </label>
          <div className="copy-field__row">
            <input
              ref={inputRef}
              id="webhook-url"
              className="ds-input copy-field__value"
              readOnly
              value={url}
              data-testid="webhook-url"
              onFocus={(event) => event.currentTarget.select()}
            />
            <Button variant="secondary" size="sm" onClick={() => void handleCopy()}>
              {copyState === 'copied' ? 'Copied' : 'Copy'}
            </Button>
          </div>
          <span className="ds-field__hint" role="status">
            {copyState === 'copied'
              ? 'Copied to the clipboard.'
              : copyState === 'failed'
                ? 'Press Ctrl+C (⌘C) to copy the selected URL.'
                : 'POST or GET it to start the workflow. Anyone with the URL can; keep it secret.'}
          </span>
          {workflow.abilities.canEdit ? (
            <div>
              <Button variant="ghost" size="sm" onClick={() => setIsConfirming(true)}>
                Rotate URL…
              </Button>
            </div>
          ) : null}
        </div>
      ) : (
        <p className="muted small">Save the workflow to get its webhook URL.</p>
      )}
      <Modal
        open={isConfirming}
        role="alertdialog"
        initialFocusRef={cancelRef}
        title="Rotate the webhook URL?"
        description="A new secret URL is issued and the current one stops working at once. Update every service that calls it."
        onClose={() => {
          rotate.reset();
          setIsConfirming(false);
        }}
        footer={
          <>
            <Button ref={cancelRef} variant="secondary" onClick={() => setIsConfirming(false)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              loading={rotate.isPending}
              onClick={() =>
                rotate.mutate(workflow.id, {
                  onSuccess: () => {
                    setCopyState('idle');
                    setIsConfirming(false);
                  },
                })
              }
            >
              Rotate URL
            </Button>
          </>
        }
      >
        {rotate.isError ? <Alert tone="error">{errorText(rotate.error)}</Alert> : null}
      </Modal>
    </section>
  );
}
