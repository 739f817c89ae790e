import { describe, expect, it } from 'vitest';
import { DARK_THEME, LIGHT_THEME, THEME_TOKENS, parseThemeMode, themeFor } from './theme.ts';

describe('theme palettes', () => {
  it('should name exactly the 31 tokens of spec 05, in its order', () => {
    expect(THEME_TOKENS).toHaveLength(31);
    expect(new Set(THEME_TOKENS).size).toBe(31);
    expect(THEME_TOKENS.slice(0, 3)).toEqual(['--alga-primary', '--alga-primary-foreground', '--alga-primary-light']);
    expect(THEME_TOKENS.slice(-3)).toEqual(['--alga-warning', '--alga-radius', '--alga-ring']);
  });

  for (const [name, palette] of [['light', LIGHT_THEME], ['dark', DARK_THEME]] as const) {
    it(`should give the ${name} palette every token, hex colours, radius 8px and ring 0 0% 0%`, () => {
      expect(Object.keys(palette)).toEqual([...THEME_TOKENS]);
      for (const token of THEME_TOKENS) {
        if (token === '--alga-radius') expect(palette[token]).toBe('8px');
        else if (token === '--alga-ring') expect(palette[token]).toBe('0 0% 0%');
        else expect(palette[token]).toMatch(/^#[0-9a-f]{6}$/);
      }
    });
  }

  it('should send a copy of the chosen palette, and nothing in docker mode', () => {
    expect(themeFor('light')).toEqual(LIGHT_THEME);
    expect(themeFor('light')).not.toBe(LIGHT_THEME);
    expect(themeFor('dark')?.['--alga-bg']).toBe('#0b0f19');
    expect(themeFor('none')).toBe(null);
  });

  it('should read a stored mode, defaulting to light', () => {
    expect(parseThemeMode('dark')).toBe('dark');
    expect(parseThemeMode('none')).toBe('none');
    expect(parseThemeMode('neon')).toBe('light');
    expect(parseThemeMode(null)).toBe('light');
  });
});
