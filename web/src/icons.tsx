/** Transport icons as inline SVG (no icon font, no emoji glyphs the system may lack); decorative. */

const svg = (path: string) => (
  <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <path d={path} fill="currentColor" />
  </svg>
);

export const PreviousIcon = () => svg('M6 5h2v14H6zM20 5v14L9 12z');
export const NextIcon = () => svg('M16 5h2v14h-2zM4 5v14l11-7z');
export const PlayIcon = () => svg('M7 4v16l13-8z');
export const PauseIcon = () => svg('M6 5h4v14H6zM14 5h4v14h-4z');
