// The `theme` message (spec 05): a flat map of the 31 `--alga-*` CSS variables, colours as hex.
// The shell offers a light and a dark palette, and a "no theme" mode (docker-mode hosts send none).

export const THEME_TOKENS = [
  '--alga-primary', '--alga-primary-foreground', '--alga-primary-light', '--alga-primary-dark',
  '--alga-primary-50', '--alga-primary-100', '--alga-secondary', '--alga-secondary-foreground',
  '--alga-secondary-light', '--alga-accent', '--alga-accent-foreground', '--alga-danger',
  '--alga-danger-dark', '--alga-fg', '--alga-muted-fg', '--alga-border', '--alga-border-light',
  '--alga-bg', '--alga-card-bg', '--alga-muted', '--alga-row-even', '--alga-row-odd',
  '--alga-row-hover', '--alga-primary-soft', '--alga-primary-soft-fg', '--alga-primary-soft-hover',
  '--alga-primary-border', '--alga-success', '--alga-warning', '--alga-radius', '--alga-ring',
] as const;

export type ThemeToken = (typeof THEME_TOKENS)[number];
export type ThemePalette = Readonly<Record<ThemeToken, string>>;
/** `none` = docker mode: no `theme` message at all. */
export type ThemeMode = 'light' | 'dark' | 'none';
export const THEME_MODES: readonly ThemeMode[] = ['light', 'dark', 'none'];
/** Where the shell keeps the chosen mode (localStorage); the Playwright fixtures preset it before the page loads. */
export const THEME_STORAGE_KEY = 'alga-shell:theme';

export const LIGHT_THEME: ThemePalette = {
  '--alga-primary': '#8a4dea',
  '--alga-primary-foreground': '#ffffff',
  '--alga-primary-light': '#a97cf0',
  '--alga-primary-dark': '#6e3bc4',
  '--alga-primary-50': '#f5f0fe',
  '--alga-primary-100': '#ebe1fc',
  '--alga-secondary': '#40cff9',
  '--alga-secondary-foreground': '#0b1324',
  '--alga-secondary-light': '#7cdffb',
  '--alga-accent': '#ff9c30',
  '--alga-accent-foreground': '#1f1300',
  '--alga-danger': '#e5484d',
  '--alga-danger-dark': '#b4262b',
  '--alga-fg': '#111827',
  '--alga-muted-fg': '#6b7280',
  '--alga-border': '#e5e7eb',
  '--alga-border-light': '#f3f4f6',
  '--alga-bg': '#ffffff',
  '--alga-card-bg': '#ffffff',
  '--alga-muted': '#f9fafb',
  '--alga-row-even': '#ffffff',
  '--alga-row-odd': '#f9fafb',
  '--alga-row-hover': '#f3f0fd',
  '--alga-primary-soft': '#efe7fd',
  '--alga-primary-soft-fg': '#5b2bb0',
  '--alga-primary-soft-hover': '#e3d5fb',
  '--alga-primary-border': '#c9b0f6',
  '--alga-success': '#16a34a',
  '--alga-warning': '#d97706',
  '--alga-radius': '8px',
  '--alga-ring': '0 0% 0%',
};

export const DARK_THEME: ThemePalette = {
  '--alga-primary': '#9f6ff0',
  '--alga-primary-foreground': '#ffffff',
  '--alga-primary-light': '#b994f4',
  '--alga-primary-dark': '#7c4ad8',
  '--alga-primary-50': '#1e1533',
  '--alga-primary-100': '#2a1d49',
  '--alga-secondary': '#38bdf8',
  '--alga-secondary-foreground': '#04121c',
  '--alga-secondary-light': '#7dd3fc',
  '--alga-accent': '#ffa94d',
  '--alga-accent-foreground': '#1f1300',
  '--alga-danger': '#f87171',
  '--alga-danger-dark': '#dc2626',
  '--alga-fg': '#f3f4f6',
  '--alga-muted-fg': '#9ca3af',
  '--alga-border': '#374151',
  '--alga-border-light': '#1f2937',
  '--alga-bg': '#0b0f19',
  '--alga-card-bg': '#111827',
  '--alga-muted': '#1f2937',
  '--alga-row-even': '#111827',
  '--alga-row-odd': '#151c2c',
  '--alga-row-hover': '#1f1933',
  '--alga-primary-soft': '#2a1d49',
  '--alga-primary-soft-fg': '#d6c2fb',
  '--alga-primary-soft-hover': '#36255e',
  '--alga-primary-border': '#5b3fa0',
  '--alga-success': '#22c55e',
  '--alga-warning': '#f59e0b',
  '--alga-radius': '8px',
  '--alga-ring': '0 0% 0%',
};

/** The palette a mode sends, or null for docker mode (no `theme` message). A fresh copy. */
export function themeFor(mode: ThemeMode): Record<ThemeToken, string> | null {
  if (mode === 'none') return null;
  return { ...(mode === 'dark' ? DARK_THEME : LIGHT_THEME) };
}

export function parseThemeMode(raw: string | null | undefined): ThemeMode {
  return raw === 'dark' || raw === 'none' ? raw : 'light';
}
