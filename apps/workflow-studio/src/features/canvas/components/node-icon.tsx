import type { ReactNode } from 'react';

// 24×24 outline glyphs for the registry's icon names; decorative, the node's label names it.
const PATHS: Record<string, ReactNode> = {
  play: <path d="M7 4.5v15l12-7.5z" />,
  webhook: (
    <>
      <path d="M10 7.5a3.5 3.5 0 1 1 5.2 3.1L18 16" />
      <path d="M6.2 12.4A3.5 3.5 0 1 0 11 16h7" />
      <path d="M16.8 20.2A3.5 3.5 0 1 0 18 16" />
    </>
  ),
  clock: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M12 7.5V12l3 2" />
    </>
  ),
  type: <path d="M5 6.5V5h14v1.5M12 5v14M9 19h6" />,
  sparkles: (
    <>
      <path d="M12 3.5l1.8 4.7 4.7 1.8-4.7 1.8L12 16.5l-1.8-4.7L5.5 10l4.7-1.8z" />
      <path d="M18.5 15.5l.8 2 2 .8-2 .8-.8 2-.8-2-2-.8 2-.8z" />
    </>
  ),
  globe: (
    <>
      <circle cx="12" cy="12" r="8.5" />
      <path d="M3.5 12h17M12 3.5c2.4 2.6 3.5 5.4 3.5 8.5s-1.1 5.9-3.5 8.5c-2.4-2.6-3.5-5.4-3.5-8.5s1.1-5.9 3.5-8.5z" />
    </>
  ),
  shuffle: (
    <path d="M4 7h3.5c4.5 0 4.5 10 9 10H20M4 17h3.5c1.6 0 2.6-1.2 3.4-2.8M13.1 9.8C13.9 8.2 15 7 16.5 7H20M17.5 4.5 20 7l-2.5 2.5M17.5 14.5 20 17l-2.5 2.5" />
  ),
  'git-branch': (
    <>
      <circle cx="6" cy="5.5" r="2" />
      <circle cx="6" cy="18.5" r="2" />
      <circle cx="18" cy="8" r="2" />
      <path d="M6 7.5v9M18 10c0 4-6 3-11 7" />
    </>
  ),
  'list-tree': <path d="M4 5h16M9 12h11M9 19h11M5 5v14M5 12h2M5 19h2" />,
  merge: <path d="M6 4v4c0 4 6 5 6 9v3M18 4v4c0 4-6 5-6 9M9 17l3 3 3-3" />,
  hourglass: <path d="M7 3.5h10M7 20.5h10M8 3.5c0 5 8 5 8 8.5s-8 3.5-8 8.5M16 3.5c0 5-8 5-8 8.5s8 3.5 8 8.5" />,
  workflow: (
    <>
      <rect x="3.5" y="3.5" width="7" height="6" rx="1.5" />
      <rect x="13.5" y="14.5" width="7" height="6" rx="1.5" />
      <path d="M7 9.5v3.5a2 2 0 0 0 2 2h4.5" />
    </>
  ),
  reply: <path d="M9.5 6 4 11.5 9.5 17M4 11.5h10a6 6 0 0 1 6 6v1" />,
};

/** The glyph of a node type's registry icon; a plain square for names the studio does not know. */
export function NodeIcon({ name, size = 18 }: { name: string; size?: number }) {
  return (
    <svg
      className="node-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {PATHS[name] ?? <rect x="5" y="5" width="14" height="14" rx="2" />}
    </svg>
  );
}
