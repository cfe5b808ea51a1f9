import { ConfigProvider, Layout, Menu, Button, Result, Space, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import { useCallback, useState } from 'react';
import { messages, type Locale, type MessageKey } from './i18n/messages';
import { DiagnosticsPage } from './pages/DiagnosticsPage';
import { SignatureCheckPage } from './pages/SignatureCheckPage';
import { TokensPage } from './pages/TokensPage';
import { WelcomePage } from './pages/WelcomePage';

const sections = [
  ['home', 'Главная', 'Home'],
  ['wizard', 'Новое заявление или отчёт', 'New application or report'],
  ['packages', 'Пакеты и заявления', 'Packages and applications'],
  ['outbox', 'Исходящие', 'Outbox'],
  ['licenses', 'Лицензии', 'Licenses'],
  ['notifications', 'Уведомления', 'Notifications'],
  ['journal', 'Журнал', 'Journal'],
  ['tokens', 'Токены и сертификаты', 'Tokens and certificates'],
  ['signature-check', 'Проверка подписи', 'Signature check'],
  ['diagnostics', 'Проверка рабочего места', 'Workstation check'],
  ['settings', 'Настройки', 'Settings'],
] as const;
type Section = (typeof sections)[number][0];

/** The application shell: side navigation, header with the language switch, and the chosen section. */
export function App() {
  const [locale, setLocale] = useState<Locale>('ru');
  const [section, setSection] = useState<Section>('home');
  const t = useCallback((key: MessageKey) => messages[locale][key], [locale]);
  const page = (() => {
    switch (section) {
      case 'home':
        return <WelcomePage t={t} />;
      case 'tokens':
        return <TokensPage />;
      case 'signature-check':
        return <SignatureCheckPage />;
      case 'diagnostics':
        return <DiagnosticsPage />;
      default:
        // Honest state for sections whose screens are not built yet, instead of a fake page.
        return <Result status="info" title="Раздел ещё готовится" subTitle="Этот раздел появится в следующей версии NedraDesk." />;
    }
  })();
  return (
    <ConfigProvider locale={locale === 'ru' ? ruRU : enUS}>
      <Layout style={{ minHeight: '100vh' }} lang={locale}>
        <Layout.Sider width={260} theme="light">
          <div style={{ padding: 16 }}>
            <Typography.Text strong>{t('appTitle')}</Typography.Text>
          </div>
          <Menu
            mode="inline"
            selectedKeys={[section]}
            onClick={(item) => setSection(item.key as Section)}
            items={sections.map(([key, ru, en]) => ({ key, label: locale === 'ru' ? ru : en }))}
          />
        </Layout.Sider>
        <Layout>
          <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Text type="secondary">{t('appSubtitle')}</Typography.Text>
            <Space>
              <Button onClick={() => setLocale(locale === 'ru' ? 'en' : 'ru')}>{t('language')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>{page}</Layout.Content>
        </Layout>
      </Layout>
    </ConfigProvider>
  );
}
