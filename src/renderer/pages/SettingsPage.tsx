/** «Настройки»: the cabinet, PKCS#11 libraries, trust anchors and the language. */
import { Button, Card, Radio, Space, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { AppSettings } from '../../shared/api';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { CabinetProfileForm, ModulesForm, TrustAnchorsForm } from '../components/SettingsForms';
import type { Locale } from '../i18n/messages';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

/** Both pages edit the same settings: loaded once, with the error and loading states in one place. */
function WithSettings({ children }: { children: (settings: AppSettings, onChange: (settings: AppSettings) => void) => ReactNode }) {
  const settings = useApi('settings:get', {});
  if (settings.error !== undefined) return <ApiErrorAlert error={settings.error} onRetry={settings.reload} />;
  if (settings.value === undefined) return <Spin />;
  return <>{children(settings.value, settings.setValue)}</>;
}

/** The settings screen. */
export function SettingsPage({ locale, onLocale }: { locale: Locale; onLocale: (locale: Locale) => void }) {
  const tr = useTr();
  return (
    <WithSettings>
      {(settings, onChange) => (
        <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 900 }}>
          <Typography.Title level={2}>{tr('Настройки', 'Settings')}</Typography.Title>
          <CabinetProfileForm />
          <ModulesForm settings={settings} onChange={onChange} />
          <TrustAnchorsForm settings={settings} onChange={onChange} />
          <Card title={tr('Язык интерфейса', 'Language')} size="small">
            <Radio.Group value={locale} onChange={(event) => onLocale(event.target.value as Locale)}>
              <Radio value="ru">Русский</Radio>
              <Radio value="en">English</Radio>
            </Radio.Group>
          </Card>
        </Space>
      )}
    </WithSettings>
  );
}

/** The first run: cabinet, token libraries, trust anchors — each can be changed later in «Настройки». */
export function FirstRunPage({ onDone }: { onDone: () => void }) {
  const tr = useTr();
  return (
    <WithSettings>
      {(settings, onChange) => (
        <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 900 }}>
          <Typography.Title level={2}>{tr('Начало работы', 'Getting started')}</Typography.Title>
          <Typography.Paragraph>{tr('Три шага, и можно работать. Всё это можно изменить позже в разделе «Настройки».', 'Three steps and you can work. Everything can be changed later in Settings.')}</Typography.Paragraph>
          <Typography.Title level={4}>{tr('1. Выберите кабинет', '1. Choose the cabinet')}</Typography.Title>
          <CabinetProfileForm />
          <Typography.Title level={4}>{tr('2. Токен или смарт-карта', '2. Token or smart card')}</Typography.Title>
          <ModulesForm settings={settings} onChange={onChange} />
          <Typography.Title level={4}>{tr('3. Корневые сертификаты (при необходимости)', '3. Root certificates (if needed)')}</Typography.Title>
          <TrustAnchorsForm settings={settings} onChange={onChange} />
          <Button type="primary" size="large" onClick={onDone}>{tr('Готово', 'Done')}</Button>
        </Space>
      )}
    </WithSettings>
  );
}
