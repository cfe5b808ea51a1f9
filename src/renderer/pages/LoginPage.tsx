/**
 * «Войти через Госуслуги»: by electronic signature (certificate → PIN → the login statement main
 * built around the provider's nonce, shown here, signed on the token) or by login, password and SMS code on the provider's own page,
 * then the organisation and role to work for.
 */
import { Alert, Button, Card, List, Space, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CabinetState } from '../../shared/api';
import { roles } from '../../shared/cabinet';
import { isAllowedCabinetAddress } from '../../shared/cabinet-address';
import { errorMessage, type ErrorData } from '../../shared/errors';
import { callApi, onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { SignerPicker, withPinAdvice, type SignerChoice } from '../components/SignerPicker';
import { formatDate } from '../format';
import { useSession } from '../session';
import { useTr } from '../i18n/locale';

/** The login statement NedraDesk built around the cabinet's code: what the token will sign. */
function LoginStatementView({ statement }: { statement: string }) {
  const tr = useTr();
  return (
    <div>
      <Typography.Text strong>{tr('Будет подписано на токене:', 'To be signed on the token:')}</Typography.Text>
      <pre data-testid="login-statement" style={{ whiteSpace: 'pre-wrap', margin: '8px 0 0', padding: '12px 16px', background: '#f5f7fa', border: '1px solid #d9dee5', borderRadius: 8, fontFamily: 'inherit' }}>
        {statement}
      </pre>
      <Typography.Text type="secondary">{tr('NedraDesk подписывает при входе только такое заявление: адрес кабинета, код и время. Если адрес не тот, которым вы пользуетесь, не входите.', 'At login NedraDesk signs only such a statement: the cabinet\'s address, a code and the time. If the address is not the one you use, do not log in.')}</Typography.Text>
    </div>
  );
}

function SignatureLogin({ onDone }: { onDone: (state: CabinetState) => void }) {
  const tr = useTr();
  const [choice, setChoice] = useState<Partial<SignerChoice>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorData | undefined>();
  const [attempt, setAttempt] = useState(0);
  const [prepared, setPrepared] = useState<{ challengeId: string; statement: string } | undefined>();
  const [statementError, setStatementError] = useState<ErrorData | undefined>();
  const generation = useRef(0);
  // A fresh statement for every attempt: the cabinet's code is good once and for five minutes.
  const prepare = useCallback(async (): Promise<void> => {
    const current = ++generation.current;
    setPrepared(undefined);
    setStatementError(undefined);
    const result = await callApi('cabinet:login-statement', {});
    if (current !== generation.current) return;
    if (result.ok) setPrepared(result.value);
    else setStatementError(result.error);
  }, []);
  useEffect(() => {
    void prepare();
  }, [prepare]);
  const login = async (): Promise<void> => {
    if (choice.certificate === undefined || choice.pin === undefined || choice.pin === '' || prepared === undefined) return;
    setBusy(true);
    setError(undefined);
    const result = await callApi('cabinet:login-signature', { certificate: choice.certificate, token: choice.token, pin: choice.pin, challengeId: prepared.challengeId });
    setBusy(false);
    // The PIN is dropped after every attempt, successful or not.
    setChoice((value) => ({ ...value, pin: '' }));
    if (result.ok) onDone(result.value);
    else {
      setError(result.error);
      setAttempt((value) => value + 1);
      void prepare();
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Paragraph type="secondary">{tr('Выберите сертификат электронной подписи и введите PIN-код токена. NedraDesk подпишет на токене заявление о входе, показанное ниже, — PIN-код никуда не передаётся и не сохраняется.', 'Choose the signature certificate and enter the token PIN. NedraDesk signs the login statement shown below on the token; the PIN is never sent or stored.')}</Typography.Paragraph>
      <SignerPicker value={choice} onChange={setChoice} onSubmit={() => void login()} attempt={attempt} />
      {prepared !== undefined && <LoginStatementView statement={prepared.statement} />}
      {statementError !== undefined && <ApiErrorAlert error={statementError} onRetry={() => void prepare()} />}
      {error !== undefined && <ApiErrorAlert error={withPinAdvice(error)} />}
      <Button type="primary" size="large" loading={busy} disabled={choice.certificate === undefined || !choice.pin || prepared === undefined} onClick={() => void login()}>
        {tr('Войти по электронной подписи', 'Log in with the signature')}
      </Button>
    </Space>
  );
}

function PasswordLogin({ onDone }: { onDone: (state: CabinetState) => void }) {
  const tr = useTr();
  const [waiting, setWaiting] = useState(false);
  const [address, setAddress] = useState<string | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  // The app's own training stand sends no SMS: main hands each code to this page (none from a real cabinet).
  const [trainingSms, setTrainingSms] = useState<{ phone: string; code: string } | undefined>();
  useEffect(() => onApiEvent('cabinet:training-sms', (sms) => setTrainingSms(sms)), []);
  const generation = useRef(0);
  const start = async (): Promise<void> => {
    setError(undefined);
    setTrainingSms(undefined);
    const started = await callApi('cabinet:login-password-start', {});
    if (!started.ok) return setError(started.error);
    // Only an https page (or the training stand on this computer) is ever opened from here.
    if (!isAllowedCabinetAddress(started.value.authorizationUrl)) return setError({ code: 'CABINET_ADDRESS_REFUSED', message: errorMessage('CABINET_ADDRESS_REFUSED'), retryable: false });
    const current = ++generation.current;
    setAddress(started.value.authorizationUrl);
    setWaiting(true);
    // The provider's page opens beside the app (the system browser in the desktop app).
    window.open(started.value.authorizationUrl, '_blank', 'noopener');
    const finished = await callApi('cabinet:login-password-finish', {});
    if (current !== generation.current) return;
    setWaiting(false);
    if (finished.ok) onDone(finished.value);
    else setError(finished.error);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Paragraph type="secondary">{tr('Откроется страница входа кабинета: введите телефон, почту или СНИЛС, пароль и код из СМС. После входа вернитесь в NedraDesk — он продолжит сам.', 'The cabinet\'s login page opens: enter your phone, e-mail or SNILS, password and the SMS code. Then come back to NedraDesk; it continues by itself.')}</Typography.Paragraph>
      {waiting && (
        <Alert
          type="info"
          showIcon
          title={tr('Ждём завершения входа на странице кабинета…', 'Waiting for the login on the cabinet\'s page…')}
          description={
            <span>
              Если страница не открылась, откройте адрес вручную: <Typography.Text copyable code>{address}</Typography.Text>
            </span>
          }
          action={<Button onClick={() => { generation.current += 1; setWaiting(false); }}>{tr('Отменить', 'Cancel')}</Button>}
        />
      )}
      {waiting && trainingSms !== undefined && (
        <Alert
          type="success"
          showIcon
          role="status"
          title={
            <span>
              {tr('Учебный стенд: код из СМС', 'Training stand: SMS code')} {tr(`на ${trainingSms.phone}`, `to ${trainingSms.phone}`)} — <Typography.Text strong copyable>{trainingSms.code}</Typography.Text>
            </span>
          }
        />
      )}
      {error !== undefined && <ApiErrorAlert error={error} />}
      <Button type="primary" size="large" onClick={() => void start()} disabled={waiting}>
        {tr('Войти по логину и паролю', 'Log in with login and password')}
      </Button>
    </Space>
  );
}

/** The organisation and role to work for, from the person's roles. */
export function OrganisationChoice({ state }: { state: CabinetState }) {
  const tr = useTr();
  const { setCabinet, navigate } = useSession();
  const [error, setError] = useState<ErrorData | undefined>();
  const choose = async (organisationOid: string): Promise<void> => {
    const result = await callApi('cabinet:choose-organisation', { organisationOid });
    if (!result.ok) return setError(result.error);
    setCabinet(result.value);
    navigate({ section: 'home' });
  };
  return (
    <Card title={`Здравствуйте, ${state.person?.givenName ?? ''} ${state.person?.surname ?? ''}`.trim()}>
      <Typography.Paragraph>{tr('Выберите организацию, от имени которой будете работать:', 'Choose the organisation you work for:')}</Typography.Paragraph>
      {error !== undefined && <ApiErrorAlert error={error} />}
      {state.roles.length === 0 && <Alert type="warning" showIcon title="Вы не состоите ни в одной организации." description="Попросите администратора организации пригласить вас в личном кабинете." />}
      <List
        dataSource={state.roles}
        renderItem={(role) => (
          <List.Item actions={[<Button key="choose" type="primary" onClick={() => void choose(role.organisationOid)} aria-label={`Выбрать ${role.fullName}`}>{tr('Выбрать', 'Choose')}</Button>]}>
            <List.Item.Meta
              title={role.fullName}
              description={
                <Space wrap>
                  <Tag color={role.role === 'auditor' ? 'default' : 'blue'}>{roles[role.role]}</Tag>
                  <span>ИНН {role.inn}</span>
                  <span>ОГРН {role.ogrn}</span>
                  {role.expiresAt !== undefined && <span>полномочия до {formatDate(role.expiresAt)}</span>}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** «Вход»: the two ways in, then the organisation. */
export function LoginPage() {
  const tr = useTr();
  const { cabinet, setCabinet, navigate } = useSession();
  const onDone = useCallback(
    (state: CabinetState) => {
      setCabinet(state);
      // One organisation is chosen by the cabinet itself: straight to work.
      if (state.organisation !== undefined) navigate({ section: 'home' });
    },
    [setCabinet, navigate],
  );
  if (cabinet?.person !== undefined && cabinet.organisation === undefined) return <OrganisationChoice state={cabinet} />;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%', maxWidth: 760 }}>
      <Typography.Title level={2}>{tr('Вход через Госуслуги', 'Log in with Gosuslugi')}</Typography.Title>
      {cabinet?.profile.kind === 'stand' && <Alert type="info" showIcon title={tr('Учебный стенд', 'Training stand')} description="Вы входите в учебный кабинет: отправленные пакеты никуда не уходят, а статусы назначаются автоматически." />}
      <Card>
        <Tabs
          items={[
            { key: 'signature', label: tr('По электронной подписи', 'With an electronic signature'), children: <SignatureLogin onDone={onDone} /> },
            { key: 'password', label: tr('По логину, паролю и коду из СМС', 'With login, password and SMS code'), children: <PasswordLogin onDone={onDone} /> },
          ]}
        />
      </Card>
    </Space>
  );
}
