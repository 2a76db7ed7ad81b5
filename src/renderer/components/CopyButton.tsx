// A button that puts text on the clipboard and says whether it worked, right beside itself.
import { useEffect, useState } from 'react';

async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Older engines, or a page without clipboard permission: a selected, off-screen textarea.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser refused to copy');
}

export interface CopyButtonProps {
  /** The text, or a function that builds it when clicked. */
  text: string | (() => string);
  label?: string;
  className?: string;
  /** Names what is copied, for screen readers ("Copy webhook URL"). */
  ariaLabel?: string;
  disabled?: boolean;
  testId?: string;
}

export function CopyButton({ text, label = 'Copy', className, ariaLabel, disabled, testId }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [error, setError] = useState('');
  useEffect(() => {
    if (state !== 'copied') return;
    const id = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(id);
  }, [state]);

  const copy = async () => {
    try {
      await writeClipboard(typeof text === 'function' ? text() : text);
      setState('copied');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setState('failed');
    }
  };

  return (
    <span className="copy">
      <button type="button" className={className ?? 'button'} onClick={() => void copy()} aria-label={ariaLabel} disabled={disabled} data-testid={testId}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="sr-only" aria-live="polite">
        {state === 'copied' ? 'Copied to the clipboard' : ''}
      </span>
      {state === 'failed' ? (
        <span className="inline-error" role="alert">
          Could not copy: {error}. Select the text and copy it by hand.
        </span>
      ) : null}
    </span>
  );
}
