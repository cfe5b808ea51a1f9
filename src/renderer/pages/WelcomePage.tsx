import { useEffect, useState } from 'react';
import type { AppInfo } from '../../shared/api';
import { callApi } from '../api/client';
import type { MessageKey } from '../i18n/messages';

interface WelcomePageProps {
  t: (key: MessageKey) => string;
}

/** First screen: what NedraDesk does and what the user needs to start. */
export function WelcomePage({ t }: WelcomePageProps) {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [failure, setFailure] = useState<string | undefined>();

  useEffect(() => {
    void callApi('app:info', {}).then((result) => {
      if (result.ok) setInfo(result.value);
      else setFailure(result.error.message);
    });
  }, []);

  return (
    <section className="card" aria-labelledby="welcome-title">
      <h1 id="welcome-title">{t('welcomeTitle')}</h1>
      <p>{t('welcomeText')}</p>
      <h2>{t('firstRunSteps')}</h2>
      <ol>
        <li>{t('stepCabinet')}</li>
        <li>{t('stepToken')}</li>
        <li>{t('stepTrust')}</li>
      </ol>
      <footer className="status-line" data-testid="app-status">
        {failure !== undefined && <span className="error">{failure}</span>}
        {failure === undefined && info === undefined && <span>{t('connecting')}</span>}
        {info !== undefined && (
          <span>
            {info.mode === 'browser' ? t('modeBrowser') : t('modeElectron')} · {t('version')} {info.version}
          </span>
        )}
      </footer>
    </section>
  );
}
