import { App as AntApp, Badge, Button, ConfigProvider, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import { useCallback, useEffect, useState } from 'react';
import { roles } from '../shared/cabinet';
import { callApi, onApiEvent } from './api/client';
import { statusView } from './format';
import { LocaleProvider } from './i18n/locale';
import { messages, type Locale, type MessageKey } from './i18n/messages';
import { DashboardPage } from './pages/DashboardPage';
import { DiagnosticsPage } from './pages/DiagnosticsPage';
import { JournalPage } from './pages/JournalPage';
import { LicensesPage } from './pages/LicensesPage';
import { LoginPage } from './pages/LoginPage';
import { NotificationsPage } from './pages/NotificationsPage';
import { OutboxPage } from './pages/OutboxPage';
import { PackageDetailsPage } from './pages/PackageDetailsPage';
import { PackagesPage } from './pages/PackagesPage';
import { FirstRunPage, SettingsPage } from './pages/SettingsPage';
import { SignatureCheckPage } from './pages/SignatureCheckPage';
import { TokensPage } from './pages/TokensPage';
import { WelcomePage } from './pages/WelcomePage';
import { WizardPage } from './pages/WizardPage';
import { SessionProvider, useSession, type Section } from './session';

const menuSections: ReadonlyArray<readonly [Section, MessageKey]> = [
  ['home', 'menuHome'],
  ['wizard', 'menuWizard'],
  ['packages', 'menuPackages'],
  ['outbox', 'menuOutbox'],
  ['licenses', 'menuLicenses'],
  ['notifications', 'menuNotifications'],
  ['journal', 'menuJournal'],
  ['tokens', 'menuTokens'],
  ['signature-check', 'menuSignatureCheck'],
  ['diagnostics', 'menuDiagnostics'],
  ['settings', 'menuSettings'],
];

function Shell({ locale, setLocale }: { locale: Locale; setLocale: (locale: Locale) => void }) {
  const { cabinet, setCabinet, route, navigate } = useSession();
  const { notification } = AntApp.useApp();
  const t = useCallback((key: MessageKey) => messages[locale][key], [locale]);
  const [firstRun, setFirstRun] = useState<boolean | undefined>();
  const [pending, setPending] = useState(0);
  useEffect(() => {
    void callApi('settings:get', {}).then((result) => {
      setFirstRun(result.ok ? !result.value.firstRunDone : false);
      if (result.ok) setLocale(result.value.locale);
    });
    void callApi('outbox:list', {}).then((result) => result.ok && setPending(result.value.filter((item) => item.state !== 'done').length));
  }, [setLocale]);
  useEffect(() => onApiEvent('outbox:changed', (event) => setPending(event.items.filter((item) => item.state !== 'done').length)), []);
  // A status change is announced wherever the user is; the screens showing it refresh themselves.
  useEffect(
    () =>
      onApiEvent('package:status', (event) => {
        notification.info({ title: `«${event.title}»`, description: `Новый статус: ${statusView(event.status).text}`, placement: 'bottomRight' });
      }),
    [notification],
  );

  const finishFirstRun = (): void => {
    setFirstRun(false);
    void callApi('settings:set', { firstRunDone: true });
  };
  const changeLocale = (next: Locale): void => {
    setLocale(next);
    void callApi('settings:set', { locale: next });
  };
  const logout = async (): Promise<void> => {
    const result = await callApi('cabinet:logout', {});
    if (result.ok) setCabinet(result.value);
    navigate({ section: 'home' });
  };

  const page = (() => {
    if (firstRun === undefined) return <Spin />;
    if (firstRun) {
      return (
        <Space direction="vertical" size="large" style={{ width: '100%' }}>
          <WelcomePage t={t} />
          <FirstRunPage onDone={finishFirstRun} />
        </Space>
      );
    }
    switch (route.section) {
      case 'home':
        return <DashboardPage />;
      case 'login':
        return <LoginPage />;
      case 'wizard':
        return <WizardPage key={`${route.draftId ?? ''}${route.typeCode ?? ''}${JSON.stringify(route.prefill ?? {})}`} />;
      case 'packages':
        return <PackagesPage />;
      case 'package':
        return route.packageId !== undefined ? <PackageDetailsPage key={route.packageId} id={route.packageId} /> : <PackagesPage />;
      case 'outbox':
        return <OutboxPage />;
      case 'licenses':
        return <LicensesPage />;
      case 'notifications':
        return <NotificationsPage />;
      case 'journal':
        return <JournalPage />;
      case 'tokens':
        return <TokensPage />;
      case 'signature-check':
        return <SignatureCheckPage />;
      case 'diagnostics':
        return <DiagnosticsPage />;
      case 'settings':
        return <SettingsPage locale={locale} onLocale={changeLocale} />;
      case 'first-run':
        return <FirstRunPage onDone={() => navigate({ section: 'home' })} />;
    }
  })();

  const selected = route.section === 'package' ? 'packages' : route.section;
  return (
    <Layout style={{ minHeight: '100vh' }} lang={locale}>
      <Layout.Sider width={260} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div className="brand-block">
          <Typography.Text strong className="brand-name">{t('appTitle')}</Typography.Text>
        </div>
        <nav aria-label={t('navigation')}>
          <Menu
            mode="inline"
            selectedKeys={[selected]}
            onClick={(item) => navigate({ section: item.key as Section })}
            items={menuSections.map(([key, label]) => ({
              key,
              label: key === 'outbox' && pending > 0 ? <Space>{t(label)}<Badge count={pending} size="small" /></Space> : t(label),
            }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="app-header">
          <Typography.Text type="secondary" className="app-subtitle">{t('appSubtitle')}</Typography.Text>
          <Space>
            {cabinet?.profile.kind === 'stand' && <Tag color="purple">{t('trainingStand')}</Tag>}
            {cabinet?.person !== undefined ? (
              <>
                <Typography.Text data-testid="current-user" className="current-user" title={`${cabinet.person.surname} ${cabinet.person.givenName}${cabinet.organisation !== undefined ? ` · ${cabinet.organisation.fullName}` : ''}`}>
                  {cabinet.person.surname} {cabinet.person.givenName}
                  {cabinet.organisation !== undefined ? ` · ${cabinet.organisation.fullName} · ${roles[cabinet.organisation.role]}` : ''}
                </Typography.Text>
                {cabinet.roles.length > 1 && cabinet.organisation !== undefined && <Button size="small" onClick={() => void callApi('cabinet:state', {}).then((result) => { if (result.ok) { setCabinet({ ...result.value, organisation: undefined }); navigate({ section: 'login' }); } })}>{t('changeOrganisation')}</Button>}
                <Button size="small" onClick={() => void logout()}>{t('logout')}</Button>
              </>
            ) : (
              <Button type="primary" onClick={() => navigate({ section: 'login' })}>{t('login')}</Button>
            )}
            <Button size="small" onClick={() => changeLocale(locale === 'ru' ? 'en' : 'ru')}>{t('language')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="app-content">{page}</Layout.Content>
      </Layout>
    </Layout>
  );
}

/** The application: Russian by default, English switchable; the session and the shell. */
export function App() {
  const [locale, setLocale] = useState<Locale>('ru');
  return (
    <ConfigProvider locale={locale === 'ru' ? ruRU : enUS} theme={{ token: { colorPrimary: '#0d5c8c', borderRadius: 6 } }}>
      <AntApp>
        <LocaleProvider value={locale}>
          <SessionProvider initial={{ section: 'home' }}>
            <Shell locale={locale} setLocale={setLocale} />
          </SessionProvider>
        </LocaleProvider>
      </AntApp>
    </ConfigProvider>
  );
}
