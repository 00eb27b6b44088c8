import { useMutation } from '@tanstack/react-query';
import { type MouseEvent, type ReactNode, useEffect } from 'react';
import { downloadChecked } from './download.ts';

// A link to a file the server makes (a CSV export). A plain `<a download>` would save a failed
// answer, such as an ended session's 401, as the file: this one asks first and shows the error.

export function DownloadLink({
  href,
  className,
  failure,
  children,
}: {
  href: string;
  className: string;
  failure: string;
  children: ReactNode;
}) {
  const download = useMutation({ mutationFn: downloadChecked });
  // Another file makes an old failure irrelevant.
  const { reset } = download;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new href is what the effect waits for
  useEffect(() => reset(), [href, reset]);
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    // A new tab or window, or a saved link, is the browser's own.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!download.isPending) download.mutate(href);
  };
  return (
    <>
      <a className={className} href={href} download onClick={click} aria-disabled={download.isPending || undefined}>
        {children}
      </a>
      {download.isError && (
        <span role="alert" className="error">
          {failure}: {download.error.message}
        </span>
      )}
    </>
  );
}
