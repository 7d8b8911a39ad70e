import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Button, Modal } from '@auterity/design-system';
import { parseRunInput } from '../hooks/use-workflow-run';

interface RunInputDialogProps {
  open: boolean;
  /** The input the last run used (remembered per workflow), shown for editing. */
  initialText: string;
  onClose: () => void;
  /** Called with valid JSON text (or '' for no input); the caller starts the run. */
  onRun: (text: string) => void;
}

/**
 * Asks for a run's input as JSON before starting it, checking the syntax as the user types.
 * The text starts from `initialText` when mounted: give it a new `key` on each opening.
 */
export function RunInputDialog({ open, initialText, onClose, onRun }: RunInputDialogProps) {
  const [text, setText] = useState(initialText);
  const [isTouched, setIsTouched] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const parsed = parseRunInput(text);
  const error = parsed.ok ? null : parsed.message;

  const handleRun = () => {
    setIsTouched(true);
    if (!parseRunInput(text).ok) return textRef.current?.focus();
    onRun(text);
  };
  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      handleRun();
    }
  };
  const handleFormat = () => {
    if (parsed.ok && text.trim() !== '') setText(JSON.stringify(parsed.value, null, 2));
  };
  const shownError = isTouched ? error : null;

  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Run with input"
      description="The input is the trigger's output: nodes read its fields as {{ field }}. It is remembered for the next run in this browser."
      initialFocusRef={textRef}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button data-testid="run-input-confirm" onClick={handleRun}>
            ▶ Run
          </Button>
        </>
      }
    >
      <div className="ds-field">
        <span className="run-input-dialog__label-row">
          <label className="ds-field__label" htmlFor={inputId}>
            Input (JSON)
          </label>
          <Button variant="ghost" size="sm" disabled={!parsed.ok || text.trim() === ''} onClick={handleFormat}>
            Format
          </Button>
        </span>
        <textarea
          ref={textRef}
          id={inputId}
          className="ds-input code-input"
          rows={10}
          spellCheck={false}
          data-testid="run-input-text"
          placeholder={'{\n  "name": "Ada"\n}'}
          value={text}
          aria-invalid={shownError ? true : undefined}
          aria-describedby={`${inputId}-hint`}
          onChange={(event) => {
            setText(event.target.value);
            setIsTouched(true);
          }}
          onKeyDown={handleKeyDown}
        />
        <span
          id={`${inputId}-hint`}
          className={shownError ? 'ds-field__error' : 'ds-field__hint'}
          role={shownError ? 'alert' : undefined}
        >
          {shownError ?? 'Leave empty to run with {}. Ctrl+Enter runs.'}
        </span>
      </div>
    </Modal>
  );
}
