import { useEffect } from 'react';

// The browser tab, history and screen readers name the page by its title: "Campaigns · Tally".

export function useDocumentTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · Tally`;
  }, [page]);
}
