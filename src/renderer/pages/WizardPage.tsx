/**
 * «Новое заявление или отчёт»: type → form (checked as it is filled, autofilled from the
 * organisation, the profile and the licenses) → documents (checked as they land) → review with the
 * printable form → signing on the token with progress → sending through the outbox → receipt.
 * Every change is autosaved as a draft.
 */
import { Alert, Button, Card, Descriptions, Form, Input, List, Progress, Result, Select, Space, Steps, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OutboxItem } from '../../shared/api';
import type { CatalogEntry, FieldValue, FormProblem } from '../../shared/catalog-types';
import type { ErrorData } from '../../shared/errors';
import { callApi, onApiEvent } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { DocumentsStep, type WizardFile } from '../components/DocumentsStep';
import { FormField } from '../components/FormField';
import { SignerPicker, withPinAdvice, type SignerChoice } from '../components/SignerPicker';
import { formatDate, monthNames, saveBase64, statusView } from '../format';
import { useSession } from '../session';
import { outboxPhase } from '../components/OutboxLine';
import { useApi } from '../useApi';
import { useTr } from '../i18n/locale';

type Data = Record<string, FieldValue | undefined>;
const stepTitles = ['Вид документа', 'Заполнение', 'Документы', 'Проверка', 'Подписание', 'Отправка'];

/** The later of two views of one outbox item. */
function newer(known: OutboxItem, candidate: OutboxItem | undefined): OutboxItem {
  return candidate !== undefined && candidate.updatedAt >= known.updatedAt ? candidate : known;
}

function attachedFiles(files: WizardFile[]) {
  return files.map((file) => ({ role: file.role, fileId: file.fileId, fileName: file.fileName, ...(file.documentDate ? { documentDate: file.documentDate } : {}) }));
}


/** A form value as the printable form writes it. */
function formatValue(field: CatalogEntry['fields'][number], value: FieldValue | undefined): string {
  if (value === undefined || value === '') return '—';
  if (typeof value === 'object' && 'amount' in value) return `${value.amount.toLocaleString('ru-RU')} ${value.unit}`;
  if (typeof value === 'object' && 'kind' in value) {
    if (value.kind === 'year') return `${value.year} год`;
    if (value.kind === 'quarter') return `${value.quarter} квартал ${value.year} года`;
    if (value.kind === 'month') return `${monthNames[value.month - 1] ?? value.month} ${value.year} года`;
    return `с ${formatDate(value.from)} по ${formatDate(value.to)}`;
  }
  if (field.type === 'date' && typeof value === 'string') return formatDate(value);
  if (field.type === 'enum') return field.options?.find((option) => option.value === value)?.label ?? String(value);
  if (typeof value === 'number') return `${value.toLocaleString('ru-RU')}${field.unit ? ` ${field.unit}` : ''}`;
  return String(value);
}

/** What will be signed, as the reader of the printable form sees it. */
function ReviewSummary({ entry, title, data, files }: { entry: CatalogEntry; title: string; data: Data; files: WizardFile[] }) {
  const tr = useTr();
  return (
    <Descriptions bordered size="small" column={1} style={{ marginTop: 16 }} title={title || entry.title} data-testid="review-summary">
      {entry.fields.map((field) => (
        <Descriptions.Item key={field.key} label={field.label}>
          {formatValue(field, data[field.key])}
        </Descriptions.Item>
      ))}
      <Descriptions.Item label={tr('Приложения', 'Attachments')}>
        {files.length === 0 ? '—' : (
          <ul style={{ margin: 0, paddingLeft: 18 }}>
            {files.map((file) => (
              <li key={file.fileId}>
                {entry.documents.find((document) => document.role.code === file.role)?.role.title ?? file.role}: {file.fileName}
              </li>
            ))}
          </ul>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

function TypeStep({ catalog, onChoose }: { catalog: CatalogEntry[]; onChoose: (entry: CatalogEntry) => void }) {
  const tr = useTr();
  const [filter, setFilter] = useState('');
  const groups: Array<[string, CatalogEntry[]]> = [
    [tr('Отчёты', 'Reports'), catalog.filter((entry) => entry.kind === 'report')],
    [tr('Заявления', 'Applications'), catalog.filter((entry) => entry.kind === 'application')],
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.Search aria-label="Поиск вида документа" placeholder="Найти: «добыча», «продление», «водопользование»…" allowClear onChange={(event) => setFilter(event.target.value.toLowerCase())} style={{ maxWidth: 480 }} />
      {groups.map(([title, entries]) => (
        <Card key={title} title={title} size="small">
          <List
            dataSource={entries.filter((entry) => filter === '' || `${entry.title} ${entry.description}`.toLowerCase().includes(filter))}
            renderItem={(entry) => (
              <List.Item actions={[<Button key="choose" onClick={() => onChoose(entry)} aria-label={`Выбрать: ${entry.title}`}>{tr('Выбрать', 'Choose')}</Button>]}>
                <List.Item.Meta title={entry.title} description={`${entry.description} ${entry.domain === 'nature' ? '· природопользование' : '· недропользование'}`} />
              </List.Item>
            )}
          />
        </Card>
      ))}
    </Space>
  );
}

/** The wizard. */
export function WizardPage() {
  const tr = useTr();
  const { cabinet, route, navigate } = useSession();
  const catalog = useApi('catalog:list', {});
  const licenses = useApi('licenses:list', {}, cabinet?.organisation !== undefined);
  const [step, setStep] = useState(0);
  const [entry, setEntry] = useState<CatalogEntry | undefined>();
  const [title, setTitle] = useState('');
  const [data, setData] = useState<Data>({});
  const [files, setFiles] = useState<WizardFile[]>([]);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  // The draft's id is fixed when the wizard opens: every autosave writes the same draft, however
  // the saves interleave, and the package built from it removes exactly that draft.
  const [draftId] = useState<string>(() => route.draftId ?? crypto.randomUUID());
  const signing = useRef(false);
  const [replacesPackageId, setReplaces] = useState<string | undefined>();
  const [rendered, setRendered] = useState<{ pdfFileId: string } | undefined>();
  const [error, setError] = useState<ErrorData | undefined>();
  const [signer, setSigner] = useState<Partial<SignerChoice>>({});
  const [attempt, setAttempt] = useState(0);
  const [progress, setProgress] = useState<{ done: number; total: number; stage: string } | undefined>();
  const [built, setBuilt] = useState<{ packageId: string } | undefined>();
  const [sent, setSent] = useState<OutboxItem | undefined>();
  const [trainingOutcome, setTrainingOutcome] = useState<'approved' | 'needs-rework' | 'rejected'>('approved');
  const [busy, setBusy] = useState(false);
  const [cancelled, setCancelled] = useState(false);
  // Problems of a field show once it was touched, or for all fields once the user moves on.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [showAllProblems, setShowAllProblems] = useState(false);

  const choose = useCallback(
    (chosen: CatalogEntry, prefill: Record<string, unknown> = {}) => {
      setEntry(chosen);
      setTitle((current) => current || chosen.title);
      // Autofill from the profile: the person preparing the document is the one logged in.
      const person = cabinet?.person;
      const fromProfile: Data = {};
      if (person !== undefined) {
        if (chosen.fields.some((field) => field.key === 'contactPerson')) fromProfile.contactPerson = `${person.surname} ${person.givenName}`;
        if (chosen.fields.some((field) => field.key === 'contactSnils')) fromProfile.contactSnils = person.snils;
      }
      setData((current) => ({ ...fromProfile, ...(prefill as Data), ...current }));
      setStep(1);
    },
    [cabinet?.person],
  );

  // A route may open a draft, or a new application prefilled from a license or a deadline.
  const opened = useRef(false);
  useEffect(() => {
    if (opened.current || catalog.value === undefined) return;
    opened.current = true;
    if (route.draftId !== undefined) {
      void callApi('drafts:get', { id: route.draftId }).then((result) => {
        if (!result.ok) return setError(result.error);
        const draft = result.value;
        const found = catalog.value?.find((candidate) => candidate.code === draft.typeCode);
        if (found === undefined) return;
        setTitle(draft.title);
        setData(draft.data as Data);
        setFiles(draft.files.map((file) => ({ ...file, fileName: file.fileName ?? 'Документ' })));
        setReplaces(draft.replacesPackageId);
        setEntry(found);
        setStep(1);
      });
    } else if (route.typeCode !== undefined) {
      const found = catalog.value.find((candidate) => candidate.code === route.typeCode);
      if (found !== undefined) choose(found, route.prefill);
    }
  }, [catalog.value, route, choose]);

  // Inline validation: every change is checked by main, all problems at once.
  useEffect(() => {
    if (entry === undefined) return;
    const timer = setTimeout(() => {
      void callApi('forms:validate', { typeCode: entry.code, data, files: attachedFiles(files) }).then((result) => {
        if (result.ok) setProblems(result.value);
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [entry, data, files]);

  // Autosave: the draft is written a moment after the last change; nothing typed is lost.
  const pendingSave = useRef<(() => void) | undefined>(undefined);
  useEffect(() => {
    if (entry === undefined || built !== undefined || busy) return;
    const save = (): void => {
      pendingSave.current = undefined;
      // Once signing has begun the draft belongs to the package being built: no late save brings it back.
      if (signing.current) return;
      void callApi('drafts:save', { id: draftId, typeCode: entry.code, title: title || entry.title, data, files: attachedFiles(files), ...(replacesPackageId ? { replacesPackageId } : {}) });
    };
    pendingSave.current = save;
    const timer = setTimeout(save, 800);
    return () => clearTimeout(timer);
  }, [entry, title, data, files, draftId, replacesPackageId, built, busy]);
  // Leaving the wizard before the pause is over still saves what was typed last.
  useEffect(() => () => pendingSave.current?.(), []);

  useEffect(() => onApiEvent('progress', (event) => {
    if (event.operationId === operationId.current) setProgress({ done: event.done, total: event.total, stage: event.stage });
  }), []);
  // The outbox's news may arrive before the answer to «Отправить» does: the latest items are kept.
  const latestOutbox = useRef<OutboxItem[]>([]);
  useEffect(() => onApiEvent('outbox:changed', (event) => {
    latestOutbox.current = event.items;
    setSent((current) => (current === undefined ? current : newer(current, event.items.find((item) => item.id === current.id))));
  }), []);
  // While the package waits or is being sent, the receipt also asks now and then: no news is lost.
  const sentId = sent?.id;
  const sentPhase = sent === undefined ? undefined : outboxPhase(sent);
  const sentPending = sentPhase === 'waiting' || sentPhase === 'sending' || (sentPhase === 'done' && sent?.registrationNumber === undefined);
  useEffect(() => {
    if (sentId === undefined || !sentPending) return;
    const timer = setInterval(() => {
      void callApi('outbox:list', {}).then((result) => {
        if (result.ok) setSent((current) => (current === undefined ? current : newer(current, result.value.find((item) => item.id === sentId))));
      });
    }, 2_000);
    return () => clearInterval(timer);
  }, [sentId, sentPending]);
  const operationId = useRef('');

  const licenseNumbers = useMemo(() => (licenses.value ?? []).map((license) => license.number), [licenses.value]);
  const fieldProblems = problems.filter((problem) => !problem.target.startsWith('documents.'));
  const documentProblems = problems.filter((problem) => problem.target.startsWith('documents.'));

  const review = async (): Promise<void> => {
    if (entry === undefined) return;
    setError(undefined);
    setStep(3);
    // The review is checked against exactly what will be signed, not the last debounced check.
    const checked = await callApi('forms:validate', { typeCode: entry.code, data, files: attachedFiles(files) });
    if (checked.ok) setProblems(checked.value);
    const result = await callApi('forms:render', { typeCode: entry.code, data, files: attachedFiles(files) });
    if (!result.ok) return setError(result.error);
    setRendered({ pdfFileId: result.value.pdfFileId });
  };

  const sign = async (): Promise<void> => {
    if (entry === undefined || signer.certificate === undefined || !signer.pin) return;
    setBusy(true);
    setError(undefined);
    setCancelled(false);
    signing.current = true;
    operationId.current = crypto.randomUUID();
    setProgress({ done: 0, total: 1, stage: 'build' });
    const result = await callApi('packages:build', {
      typeCode: entry.code,
      title: title || entry.title,
      data,
      files: attachedFiles(files),
      certificate: signer.certificate,
      token: signer.token,
      pin: signer.pin,
      operationId: operationId.current,
      draftId,
      ...(replacesPackageId ? { replacesPackageId } : {}),
    });
    setBusy(false);
    setSigner((value) => ({ ...value, pin: '' }));
    if (!result.ok) signing.current = false;
    if (!result.ok) {
      setProgress(undefined);
      if (result.error.code === 'OPERATION_CANCELLED') return setCancelled(true);
      setAttempt((value) => value + 1);
      return setError(withPinAdvice(result.error));
    }
    setBuilt({ packageId: result.value.packageId });
    setStep(5);
  };

  const submit = async (): Promise<void> => {
    if (entry === undefined || built === undefined) return;
    setBusy(true);
    setError(undefined);
    const result = await callApi('outbox:submit', { packageId: built.packageId, typeCode: entry.code, title: title || entry.title, ...(cabinet?.profile.kind === 'stand' ? { trainingOutcome } : {}) });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    setSent(newer(result.value, latestOutbox.current.find((item) => item.id === result.value.id)));
    // The worker may have sent (or been refused) before this answer arrived: read where it is now.
    const now = await callApi('outbox:list', {});
    if (now.ok) setSent((current) => newer(current ?? result.value, now.value.find((item) => item.id === result.value.id)));
  };

  if (catalog.error !== undefined) return <ApiErrorAlert error={catalog.error} onRetry={catalog.reload} />;
  // Without a session the organisation of the last login is used: prepare and sign now, send later.
  const organisation = cabinet?.organisation ?? cabinet?.offlineOrganisation;
  const offline = cabinet?.organisation === undefined && organisation !== undefined;
  const canSend = organisation !== undefined && organisation.role !== 'auditor';

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={2}>{entry?.title ?? tr('Новое заявление или отчёт', 'New application or report')}</Typography.Title>
      {replacesPackageId !== undefined && <Alert type="info" showIcon title="Исправление отправленного пакета" description="Новая версия будет связана с прежней: кабинет увидит, что это исправление." />}
      <Steps current={step} items={stepTitles.map((item) => ({ title: item }))} size="small" />
      {offline && step > 0 && step < 5 && (
        <Alert type="info" showIcon title="Работа без входа: реквизиты организации из последнего входа" description="Заявление можно заполнить, проверить и подписать сейчас; отправленный пакет подождёт в исходящих и уйдёт после входа в кабинет." />
      )}
      {organisation === undefined && step > 0 && step < 5 && (
        <Alert type="warning" showIcon title={tr('Организация не выбрана', 'No organisation chosen')} description="Печатная форма и подписание берут реквизиты организации: войдите в кабинет и выберите организацию. Заполненное сохранится в черновике." action={<Button onClick={() => navigate({ section: 'login' })}>{tr('Войти', 'Log in')}</Button>} />
      )}
      {error !== undefined && <ApiErrorAlert error={error} />}

      {step === 0 && catalog.value !== undefined && <TypeStep catalog={catalog.value} onChoose={(chosen) => choose(chosen)} />}

      {step === 1 && entry !== undefined && (
        <Card>
          <Form layout="vertical" requiredMark onSubmitCapture={(event) => event.preventDefault()}>
            <Form.Item label={tr('Название пакета', 'Package title')} help={tr('Так пакет будет называться в списке и в кабинете.', 'The package\'s name in the list and in the cabinet.')}>
              <Input aria-label="Название пакета" value={title} maxLength={300} onChange={(event) => setTitle(event.target.value)} />
            </Form.Item>
            {organisation !== undefined && (
              <Descriptions size="small" column={1} bordered style={{ marginBottom: 16 }} title={offline ? 'Реквизиты организации (из последнего входа)' : 'Реквизиты организации (из кабинета)'}>
                <Descriptions.Item label="Организация">{organisation.fullName}</Descriptions.Item>
                <Descriptions.Item label="ИНН / ОГРН">{organisation.inn} / {organisation.ogrn}</Descriptions.Item>
                <Descriptions.Item label="Адрес">{organisation.address}</Descriptions.Item>
              </Descriptions>
            )}
            {entry.fields.map((field) => (
              <FormField
                key={field.key}
                field={field}
                value={data[field.key]}
                suggestions={licenseNumbers}
                problems={showAllProblems || touched.has(field.key) ? fieldProblems.filter((problem) => problem.target === field.key).map((problem) => problem.message) : []}
                onChange={(value) => {
                  setTouched((current) => new Set(current).add(field.key));
                  setData((current) => ({ ...current, [field.key]: value }));
                }}
              />
            ))}
          </Form>
          <Space>
            <Button onClick={() => setStep(0)}>{tr('Другой вид документа', 'Another document type')}</Button>
            <Button
              type="primary"
              onClick={() => {
                setShowAllProblems(true);
                setStep(2);
              }}
            >
              Далее: документы
            </Button>
            {fieldProblems.length > 0 && <Typography.Text type="secondary">Замечаний по полям: {fieldProblems.length}</Typography.Text>}
          </Space>
        </Card>
      )}

      {step === 2 && entry !== undefined && (
        <>
          <DocumentsStep entry={entry} files={files} onChange={setFiles} problems={documentProblems} />
          <Space>
            <Button onClick={() => setStep(1)}>{tr('Назад', 'Back')}</Button>
            <Button type="primary" onClick={() => void review()}>
              {tr('Далее: проверка', 'Next: review')}
            </Button>
          </Space>
        </>
      )}

      {step === 3 && entry !== undefined && (
        <Card title={tr('Проверка перед подписанием', 'Review before signing')}>
          {problems.length > 0 ? (
            <Alert
              type="error"
              showIcon
              title={`Исправьте замечания (${problems.length}), затем подпишите`}
              description={
                <ul data-testid="review-problems">
                  {problems.map((problem) => (
                    <li key={problem.target + problem.rule}>{problem.message}</li>
                  ))}
                </ul>
              }
            />
          ) : (
            <Alert type="success" showIcon title={tr('Все поля и документы соответствуют требованиям.', 'All fields and documents meet the rules.')} />
          )}
          {rendered === undefined && error === undefined && <Progress percent={100} status="active" showInfo={false} />}
          {rendered !== undefined && <ReviewSummary entry={entry} title={title} data={data} files={files} />}
          <Space style={{ marginTop: 16 }}>
            <Button onClick={() => setStep(problems.some((problem) => !problem.target.startsWith('documents.')) ? 1 : 2)}>{tr('Исправить', 'Fix')}</Button>
            {rendered !== undefined && (
              <Button
                onClick={() =>
                  void callApi('files:read', { fileId: rendered.pdfFileId }).then((result) => result.ok && saveBase64(result.value.name, result.value.mediaType, result.value.contentBase64))
                }
              >
                {tr('Сохранить PDF', 'Save PDF')}
              </Button>
            )}
            <Button type="primary" disabled={problems.length > 0 || rendered === undefined} onClick={() => setStep(4)}>
              {tr('Далее: подписание', 'Next: signing')}
            </Button>
          </Space>
        </Card>
      )}

      {step === 4 && entry !== undefined && (
        <Card title={tr('Подписание электронной подписью', 'Signing with the electronic signature')}>
          <Typography.Paragraph type="secondary">
            Будут подписаны печатная форма, XML и каждый приложенный документ ({files.length}), затем опись пакета — одним вводом PIN-кода.
          </Typography.Paragraph>
          <SignerPicker value={signer} onChange={setSigner} onSubmit={() => void sign()} attempt={attempt} />
          {cancelled && <Alert type="info" showIcon style={{ marginTop: 16 }} title="Подписание отменено" description="Пакет не создан, черновик сохранён. Подпишите снова, когда будете готовы." />}
          {progress !== undefined && (
            <Progress data-testid="sign-progress" percent={Math.round((progress.done / Math.max(progress.total, 1)) * 100)} status={busy ? 'active' : 'normal'} style={{ marginTop: 16 }} />
          )}
          <Space style={{ marginTop: 16 }}>
            <Button onClick={() => setStep(3)} disabled={busy}>
              {tr('Назад', 'Back')}
            </Button>
            <Button type="primary" loading={busy} disabled={signer.certificate === undefined || !signer.pin} onClick={() => void sign()}>
              {tr('Подписать', 'Sign')}
            </Button>
            {busy && (
              // Stopping between documents is safe: nothing is written until the package is complete.
              <Button onClick={() => void callApi('operations:cancel', { operationId: operationId.current })}>{tr('Отменить', 'Cancel')}</Button>
            )}
          </Space>
        </Card>
      )}

      {step === 5 && built !== undefined && (
        <Card>
          {sent === undefined ? (
            <Result
              status="success"
              title={tr('Пакет подписан', 'Package signed')}
              subTitle="Пакет сохранён на компьютере. Отправьте его сейчас или позже из раздела «Пакеты и заявления»: без связи он подождёт в исходящих."
              extra={
                <Space direction="vertical" align="center">
                  {cabinet?.profile.kind === 'stand' && (
                    <Space>
                      <span>{tr('Учебный сценарий:', 'Training scenario:')}</span>
                      <Select
                        aria-label="Учебный сценарий"
                        value={trainingOutcome}
                        onChange={setTrainingOutcome}
                        style={{ width: 220 }}
                        options={[
                          { value: 'approved', label: 'Одобрено' },
                          { value: 'needs-rework', label: 'Требуется доработка' },
                          { value: 'rejected', label: 'Отклонено' },
                        ]}
                      />
                    </Space>
                  )}
                  {!canSend && organisation?.role === 'auditor' && <Alert type="warning" showIcon title="Роль «Аудитор» не даёт права отправлять пакеты." description="Передайте пакет сотруднику или руководителю организации." />}
                  <Space>
                    <Button onClick={() => navigate({ section: 'package', packageId: built.packageId })}>{tr('Открыть пакет', 'Open the package')}</Button>
                    <Button type="primary" loading={busy} onClick={() => void submit()} disabled={organisation === undefined}>
                      {tr('Отправить в кабинет', 'Send to the cabinet')}
                    </Button>
                  </Space>
                </Space>
              }
            />
          ) : (
            <Result
              status={outboxPhase(sent) === 'refused' ? 'error' : sent.registrationNumber !== undefined ? 'success' : 'info'}
              title={
                sent.registrationNumber !== undefined
                  ? `Пакет принят, регистрационный номер ${sent.registrationNumber}`
                  : outboxPhase(sent) === 'refused'
                    ? tr('Пакет не отправлен', 'Package not sent')
                    : tr('Пакет в исходящих', 'Package in the outbox')
              }
              subTitle={
                <Space direction="vertical">
                  <span data-testid="receipt-status">
                    Статус: <Tag color={statusView(sent.status).color}>{statusView(sent.status).text}</Tag>
                  </span>
                  {sent.lastError !== undefined && sent.state !== 'done' && <Typography.Text type={outboxPhase(sent) === 'refused' ? 'danger' : 'secondary'}>{sent.lastError.message}</Typography.Text>}
                  {outboxPhase(sent) === 'waiting' && <span>Пакет уйдёт, как только кабинет станет доступен. Ничего не потеряется.</span>}
                </Space>
              }
              extra={
                <Space>
                  <Button type="primary" onClick={() => navigate({ section: 'package', packageId: built.packageId })}>
                    {tr('Следить за статусом', 'Follow the status')}
                  </Button>
                  <Button onClick={() => navigate({ section: 'home' })}>{tr('На главную', 'Home')}</Button>
                </Space>
              }
            />
          )}
        </Card>
      )}
    </Space>
  );
}
