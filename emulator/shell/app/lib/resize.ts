// `resize` (spec 05): iframe height = clamp(floor(height), 100, 4000) px.

export const MIN_FRAME_HEIGHT = 100;
export const MAX_FRAME_HEIGHT = 4000;

/** The iframe height for a `resize` payload height, or null when it is not a finite number. */
export function clampFrameHeight(raw: unknown): number | null {
  if (raw === null || raw === undefined || typeof raw === 'boolean' || (typeof raw === 'string' && raw.trim() === '')) return null;
  const value = Number(raw);
  if (!Number.isFinite(value)) return null;
  return Math.max(MIN_FRAME_HEIGHT, Math.min(MAX_FRAME_HEIGHT, Math.floor(value)));
}
