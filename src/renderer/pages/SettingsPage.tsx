/** «Настройки»: the cabinet, PKCS#11 libraries, trust anchors and the language. */
import { Button, Card, Radio, Space, Spin, Typography } from 'antd';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { CabinetProfileForm, ModulesForm, TrustAnchorsForm } from '../components/SettingsForms';
import type { Locale } from '../i18n/messages';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

/** The settings screen. */
export function SettingsPage({ locale, onLocale }: { locale: Locale; onLocale: (locale: Locale) => void }) {
  const tr = useTr();
  const settings = useApi('settings:get', {});
  if (settings.error !== undefined) return <ApiErrorAlert error={settings.error} onRetry={settings.reload} />;
  if (settings.value === undefined) return <Spin />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 900 }}>
      <Typography.Title level={2}>{tr('Настройки', 'Settings')}</Typography.Title>
      <CabinetProfileForm />
      <ModulesForm settings={settings.value} onChange={settings.setValue} />
      <TrustAnchorsForm settings={settings.value} onChange={settings.setValue} />
      <Card title={tr('Язык интерфейса', 'Language')} size="small">
        <Radio.Group value={locale} onChange={(event) => onLocale(event.target.value as Locale)}>
          <Radio value="ru">Русский</Radio>
          <Radio value="en">English</Radio>
        </Radio.Group>
      </Card>
    </Space>
  );
}

/** The first run: cabinet, token libraries, trust anchors — each can be changed later in «Настройки». */
export function FirstRunPage({ onDone }: { onDone: () => void }) {
  const tr = useTr();
  const settings = useApi('settings:get', {});
  if (settings.error !== undefined) return <ApiErrorAlert error={settings.error} onRetry={settings.reload} />;
  if (settings.value === undefined) return <Spin />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 900 }}>
      <Typography.Title level={2}>{tr('Начало работы', 'Getting started')}</Typography.Title>
      <Typography.Paragraph>{tr('Три шага, и можно работать. Всё это можно изменить позже в разделе «Настройки».', 'Three steps and you can work. Everything can be changed later in Settings.')}</Typography.Paragraph>
      <Typography.Title level={4}>{tr('1. Выберите кабинет', '1. Choose the cabinet')}</Typography.Title>
      <CabinetProfileForm />
      <Typography.Title level={4}>{tr('2. Токен или смарт-карта', '2. Token or smart card')}</Typography.Title>
      <ModulesForm settings={settings.value} onChange={settings.setValue} />
      <Typography.Title level={4}>{tr('3. Корневые сертификаты (при необходимости)', '3. Root certificates (if needed)')}</Typography.Title>
      <TrustAnchorsForm settings={settings.value} onChange={settings.setValue} />
      <Button type="primary" size="large" onClick={onDone}>{tr('Готово', 'Done')}</Button>
    </Space>
  );
}
