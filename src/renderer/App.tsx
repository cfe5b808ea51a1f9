import { useCallback, useState } from 'react';
import { messages, type Locale, type MessageKey } from './i18n/messages';
import { WelcomePage } from './pages/WelcomePage';

/** The application shell: header, language switch and the current page. */
export function App() {
  const [locale, setLocale] = useState<Locale>('ru');
  const t = useCallback((key: MessageKey) => messages[locale][key], [locale]);
  return (
    <div className="shell" lang={locale}>
      <header className="topbar">
        <div>
          <div className="brand">{t('appTitle')}</div>
          <div className="subtitle">{t('appSubtitle')}</div>
        </div>
        <button type="button" className="link-button" onClick={() => setLocale(locale === 'ru' ? 'en' : 'ru')}>
          {t('language')}
        </button>
      </header>
      <main className="content">
        <WelcomePage t={t} />
      </main>
    </div>
  );
}
