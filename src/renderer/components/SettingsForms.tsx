/**
 * The settings pieces shared by the first run and «Настройки»: which cabinet, which PKCS#11
 * libraries, which trust anchors.
 */
import { Button, Card, Input, List, Radio, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { AppSettings } from '../../shared/api';
import { isAllowedCabinetAddress } from '../../shared/cabinet-address';
import type { ErrorData } from '../../shared/errors';
import type { Result } from '../../shared/result';
import { callApi } from '../api/client';
import { formatDate } from '../format';
import { useSession } from '../session';
import { stageFile } from '../stageFile';
import { ApiErrorAlert } from './ApiErrorAlert';
import { useTr } from '../i18n/locale';

/** Training stand or the address of a cabinet. */
export function CabinetProfileForm() {
  const tr = useTr();
  const { cabinet, setCabinet } = useSession();
  const [kind, setKind] = useState<'stand' | 'url'>(cabinet?.profile.kind ?? 'stand');
  const [url, setUrl] = useState(cabinet?.profile.url ?? '');
  const [error, setError] = useState<ErrorData | undefined>();
  const [saved, setSaved] = useState(false);
  // The same policy main applies (src/shared/cabinet-address.ts), said here before anything is sent.
  const addressAllowed = isAllowedCabinetAddress(url.trim());
  const save = async (): Promise<void> => {
    setError(undefined);
    setSaved(false);
    const result = await callApi('cabinet:set-profile', kind === 'stand' ? { kind } : { kind, url: url.trim() });
    if (!result.ok) return setError(result.error);
    setCabinet(result.value);
    setSaved(true);
  };
  return (
    <Card title={tr('Личный кабинет', 'Personal cabinet')} size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={kind} onChange={(event) => setKind(event.target.value as 'stand' | 'url')}>
          <Space direction="vertical">
            <Radio value="stand">{tr('Учебный стенд — для обучения, запускается внутри NedraDesk', 'Training stand: for practice, runs inside NedraDesk')}</Radio>
            <Radio value="url">{tr('Кабинет по адресу', 'Cabinet at an address')}</Radio>
          </Space>
        </Radio.Group>
        {kind === 'url' && <Input aria-label="Адрес кабинета" placeholder="https://cabinet.example.ru" value={url} onChange={(event) => setUrl(event.target.value)} status={url !== '' && !addressAllowed ? 'error' : undefined} style={{ maxWidth: 480 }} />}
        {kind === 'url' && url !== '' && !addressAllowed && (
          <Typography.Text type="danger">{tr('Нужен адрес, начинающийся с https://. Обычный http:// — только для учебного стенда на этом компьютере (127.0.0.1, localhost).', 'The address must start with https://. Plain http:// is only for a training stand on this computer (127.0.0.1, localhost).')}</Typography.Text>
        )}
        {error !== undefined && <ApiErrorAlert error={error} />}
        <Space>
          <Button type="primary" onClick={() => void save()} disabled={kind === 'url' && !addressAllowed}>{tr('Сохранить', 'Save')}</Button>
          {saved && <Typography.Text type="success">{tr('Сохранено.', 'Saved.')}</Typography.Text>}
        </Space>
      </Space>
    </Card>
  );
}

/**
 * PKCS#11 libraries the user added for tokens whose drivers NedraDesk does not know. The library is
 * picked in the system's open dialog, which main shows: the window never names a library's path.
 */
export function ModulesForm({ settings, onChange }: { settings: AppSettings; onChange: (settings: AppSettings) => void }) {
  const tr = useTr();
  const [error, setError] = useState<ErrorData | undefined>();
  const apply = (result: Result<AppSettings>): void => {
    if (!result.ok) return setError(result.error);
    onChange(result.value);
  };
  const choose = async (): Promise<void> => {
    setError(undefined);
    apply(await callApi('settings:choose-pkcs11-module', {}));
  };
  const remove = async (index: number): Promise<void> => {
    setError(undefined);
    apply(await callApi('settings:remove-pkcs11-module', { index }));
  };
  return (
    <Card title={tr('Библиотеки PKCS#11', 'PKCS#11 libraries')} size="small">
      <Typography.Paragraph type="secondary">
        Драйверы Рутокен, JaCarta, eToken и SoftHSM NedraDesk находит сам. Если токен не виден, выберите библиотеку PKCS#11 его производителя (например, C:\Windows\System32\rtpkcs11ecp.dll или /usr/lib/librtpkcs11ecp.so). Библиотека должна быть установлена в системную папку: из папки данных NedraDesk и из файлов, которые могут изменить другие пользователи, она не загружается.
      </Typography.Paragraph>
      <List size="small" dataSource={settings.pkcs11Modules} locale={{ emptyText: tr('Дополнительных библиотек нет.', 'No extra libraries.') }} renderItem={(item, index) => (
        <List.Item actions={[<Button key="remove" type="link" danger onClick={() => void remove(index)}>{tr('Убрать', 'Remove')}</Button>]}>
          <Typography.Text code>{item}</Typography.Text>
        </List.Item>
      )} />
      <Button style={{ marginTop: 8 }} onClick={() => void choose()}>{tr('Выбрать библиотеку…', 'Choose a library…')}</Button>
      {error !== undefined && <div style={{ marginTop: 8 }}><ApiErrorAlert error={error} /></div>}
    </Card>
  );
}

/** Root certificates of certification authorities the user trusts, imported from files. */
export function TrustAnchorsForm({ settings, onChange }: { settings: AppSettings; onChange: (settings: AppSettings) => void }) {
  const tr = useTr();
  const [error, setError] = useState<ErrorData | undefined>();
  const importFile = async (file: File): Promise<void> => {
    setError(undefined);
    const staged = await stageFile(file);
    if (!staged.ok) return setError(staged.error);
    const result = await callApi('trust:import', { fileId: staged.value.fileId });
    if (!result.ok) return setError(result.error);
    onChange(result.value);
  };
  const remove = async (sha256: string): Promise<void> => {
    const result = await callApi('trust:remove', { sha256 });
    if (result.ok) onChange(result.value);
    else setError(result.error);
  };
  return (
    <Card title={tr('Корневые сертификаты удостоверяющих центров', 'Root certificates of certification authorities')} size="small">
      <Typography.Paragraph type="secondary">
        Нужны, чтобы проверять подписи и цепочки сертификатов. Корневой сертификат учебного стенда доверен всегда.
      </Typography.Paragraph>
      <List size="small" dataSource={settings.trustAnchors} locale={{ emptyText: tr('Импортированных сертификатов нет.', 'No imported certificates.') }} renderItem={(anchor) => (
        <List.Item actions={[<Button key="remove" type="link" danger onClick={() => void remove(anchor.sha256)}>{tr('Удалить', 'Delete')}</Button>]}>
          <List.Item.Meta title={anchor.subject} description={`действует до ${formatDate(anchor.notAfter)} · SHA-256 ${anchor.sha256.slice(0, 16)}…`} />
        </List.Item>
      )} />
      <Upload showUploadList={false} accept=".cer,.crt,.pem,.der" beforeUpload={(file) => { void importFile(file); return false; }}>
        <Button>{tr('Импортировать сертификат (.cer, .crt, .pem)', 'Import a certificate (.cer, .crt, .pem)')}</Button>
      </Upload>
      {error !== undefined && <div style={{ marginTop: 8 }}><ApiErrorAlert error={error} /></div>}
    </Card>
  );
}
