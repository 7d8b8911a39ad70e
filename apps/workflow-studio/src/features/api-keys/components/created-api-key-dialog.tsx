import { useRef, useState } from 'react';
import { Alert, Button, Modal } from '@auterity/design-system';

interface CreatedApiKeyDialogProps {
  /** The new key in clear; the dialog is closed while null. Nothing else keeps a copy. */
  apiKey: { name: string; key: string } | null;
  onClose: () => void;
}

/** Shows a just-created key once, with a copy button, and warns that it cannot be shown again. */
export function CreatedApiKeyDialog({ apiKey, onClose }: CreatedApiKeyDialogProps) {
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const inputRef = useRef<HTMLInputElement>(null);

  const handleCopy = async () => {
    if (!apiKey) return;
    try {
      await navigator.clipboard.writeText(apiKey.key);
      setCopyState('copied');
    } catch {
      // Clipboard access can be refused; select the text so Ctrl+C works.
      inputRef.current?.select();
      setCopyState('failed');
    }
  };

  const handleClose = () => {
    setCopyState('idle');
    onClose();
  };

  return (
    <Modal
      open={apiKey !== null}
      onClose={handleClose}
      title="Copy your new API key"
      description={apiKey ? `Key “${apiKey.name}” was created.` : undefined}
      footer={<Button onClick={handleClose}>I have stored the key</Button>}
    >
      <Alert tone="warning">
        This is the only time the key is shown. Store it in a password manager or secret store now; if you lose it, revoke it and
        create a new one.
      </Alert>
      <div className="copy-field">
        <label className="ds-field__label" htmlFor="created-api-key">
          API key
        </label>
        <div className="copy-field__row">
          <input
            ref={inputRef}
            id="created-api-key"
            className="ds-input copy-field__value"
            readOnly
            value={apiKey?.key ?? ''}
            data-testid="created-api-key"
            onFocus={(event) => event.currentTarget.select()}
          />
          <Button variant="secondary" onClick={() => void handleCopy()}>
            {copyState === 'copied' ? 'Copied' : 'Copy'}
          </Button>
        </div>
        <span className="ds-field__hint" role="status">
          {copyState === 'copied'
            ? 'Copied to the clipboard.'
            : copyState === 'failed'
              ? 'Press Ctrl+C (⌘C) to copy the selected key.'
              : ''}
        </span>
      </div>
    </Modal>
  );
}
