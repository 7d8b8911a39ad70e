import { useEffect } from 'react';

/** Sets the document title for the current page, so history and screen readers name it. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Auterity Studio`;
  }, [title]);
}
