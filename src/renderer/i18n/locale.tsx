/**
 * The interface language for every screen. Screens write each phrase in both languages where it is
 * used, `tr('Пакеты', 'Packages')`, so a text and its translation never drift apart. The catalog,
 * statuses from the cabinet and error messages from main stay Russian: they are the official terms.
 */
import { createContext, useCallback, useContext } from 'react';
import type { Locale } from './messages';

const LocaleContext = createContext<Locale>('ru');

/** Provides the chosen language to the screens. */
export const LocaleProvider = LocaleContext.Provider;

/** The phrase in the chosen language. */
export function useTr(): (ru: string, en: string) => string {
  const locale = useContext(LocaleContext);
  return useCallback((ru: string, en: string) => (locale === 'en' ? en : ru), [locale]);
}
