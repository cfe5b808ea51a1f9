/**
 * One field of a catalog form, drawn from its definition: the editor fits the field's type
 * (text, number with unit, date, period, list, identifiers, volume with unit, money) and shows the
 * validation problems main reported for it.
 */
import { AutoComplete, Form, Input, InputNumber, Select, Space } from 'antd';
import { monthNames } from '../format';
import type { FieldDefinition, FieldValue, PeriodValue, VolumeValue } from '../../shared/catalog-types';

interface FormFieldProps {
  field: FieldDefinition;
  value: FieldValue | null | undefined;
  onChange: (value: FieldValue | undefined) => void;
  problems: string[];
  /** Suggested values (license numbers of the organisation). */
  suggestions?: string[];
}

const periodKindLabels = { year: 'Год', quarter: 'Квартал', month: 'Месяц', range: 'Даты «с — по»' } as const;

function PeriodEditor({ field, value, onChange, label }: { field: FieldDefinition; value: PeriodValue | undefined; onChange: (value: PeriodValue | undefined) => void; label: string }) {
  const kinds = field.periodKinds ?? ['year', 'quarter', 'month', 'range'];
  const kind = value?.kind ?? kinds[0] ?? 'year';
  // Until the user picks a year, the field stays empty: a year shown must be a year chosen.
  const chosenYear = value !== undefined && 'year' in value ? value.year : undefined;
  const year = chosenYear ?? new Date().getFullYear() - 1;
  const change = (next: PeriodValue['kind']): void => {
    if (next === 'range') onChange({ kind: 'range', from: '', to: '' });
    else if (next === 'year') onChange({ kind: 'year', year });
    else if (next === 'quarter') onChange({ kind: 'quarter', year, quarter: 1 });
    else onChange({ kind: 'month', year, month: 1 });
  };
  return (
    <Space wrap>
      <Select aria-label={`${label}: вид периода`} value={kind} style={{ width: 160 }} onChange={change} options={kinds.map((item) => ({ value: item, label: periodKindLabels[item] }))} />
      {value?.kind === 'range' ? (
        <>
          <Input type="date" aria-label={`${label}: с`} value={value.from} onChange={(event) => onChange({ ...value, from: event.target.value })} />
          <Input type="date" aria-label={`${label}: по`} value={value.to} onChange={(event) => onChange({ ...value, to: event.target.value })} />
        </>
      ) : (
        <>
          <InputNumber aria-label={`${label}: год`} min={1990} max={2100} placeholder="ГГГГ" value={chosenYear} onChange={(next) => next !== null && onChange({ ...(value ?? { kind: 'year' }), year: next } as PeriodValue)} />
          {value?.kind === 'quarter' && (
            <Select aria-label={`${label}: квартал`} value={value.quarter} style={{ width: 130 }} onChange={(quarter) => onChange({ ...value, quarter })} options={[1, 2, 3, 4].map((quarter) => ({ value: quarter, label: `${quarter} квартал` }))} />
          )}
          {value?.kind === 'month' && (
            <Select aria-label={`${label}: месяц`} value={value.month} style={{ width: 150 }} onChange={(month) => onChange({ ...value, month })} options={monthNames.map((name, index) => ({ value: index + 1, label: name }))} />
          )}
        </>
      )}
    </Space>
  );
}

function VolumeEditor({ field, value, onChange, label }: { field: FieldDefinition; value: VolumeValue | undefined; onChange: (value: VolumeValue | undefined) => void; label: string }) {
  const units = field.units ?? [];
  const unit = value?.unit ?? units[0] ?? '';
  return (
    <Space.Compact>
      <InputNumber
        aria-label={label}
        min={0}
        style={{ width: 200 }}
        decimalSeparator=","
        value={value?.amount}
        onChange={(amount) => onChange(amount === null ? undefined : { amount, unit })}
      />
      <Select aria-label={`${label}: единица`} value={unit} style={{ width: 110 }} onChange={(next) => onChange({ amount: value?.amount ?? 0, unit: next })} options={units.map((item) => ({ value: item, label: item }))} />
    </Space.Compact>
  );
}

/** A labelled editor for one field. */
export function FormField({ field, value, onChange, problems, suggestions }: FormFieldProps) {
  const label = field.label;
  const text = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  const setText = (next: string): void => onChange(next === '' ? undefined : next);
  const editor = (() => {
    switch (field.type) {
      case 'text':
        return field.multiline === true ? (
          <Input.TextArea aria-label={label} value={text} maxLength={field.maxLength} autoSize={{ minRows: 3, maxRows: 10 }} onChange={(event) => setText(event.target.value)} />
        ) : (
          <Input aria-label={label} value={text} maxLength={field.maxLength} onChange={(event) => setText(event.target.value)} />
        );
      case 'number':
        return (
          <InputNumber
            aria-label={label}
            value={typeof value === 'number' ? value : undefined}
            min={field.min ?? 0}
            max={field.max}
            decimalSeparator=","
            style={{ width: 200 }}
            suffix={field.unit}
            onChange={(next) => onChange(next === null ? undefined : next)}
          />
        );
      case 'date':
        return <Input type="date" aria-label={label} value={text} style={{ width: 200 }} onChange={(event) => setText(event.target.value)} />;
      case 'period':
        return <PeriodEditor field={field} label={label} value={typeof value === 'object' && value !== null && 'kind' in value ? value : undefined} onChange={onChange} />;
      case 'enum':
        return (
          <Select
            aria-label={label}
            value={text === '' ? undefined : text}
            placeholder="Выберите из списка"
            style={{ minWidth: 280 }}
            allowClear={!field.required}
            onChange={(next: string | undefined) => onChange(next)}
            options={field.options?.map((option) => ({ value: option.value, label: option.label }))}
          />
        );
      case 'volume':
        return <VolumeEditor field={field} label={label} value={typeof value === 'object' && value !== null && 'amount' in value ? value : undefined} onChange={onChange} />;
      case 'license-number':
        return <AutoComplete aria-label={label} value={text} style={{ width: 280 }} options={(suggestions ?? []).map((item) => ({ value: item }))} onChange={(next: string) => setText(next)} placeholder="СЛХ 01234 ТЭ" />;
      case 'money':
        return <Input aria-label={label} value={text} style={{ width: 220 }} suffix="₽" onChange={(event) => setText(event.target.value)} inputMode="decimal" />;
      default:
        // inn, ogrn, snils: digits with optional separators; main checks the checksum.
        return <Input aria-label={label} value={text} style={{ width: 240 }} inputMode="numeric" onChange={(event) => setText(event.target.value)} />;
    }
  })();
  return (
    <Form.Item
      label={label}
      required={field.required}
      help={problems.length > 0 ? problems.join(' ') : field.help}
      validateStatus={problems.length > 0 ? 'error' : undefined}
      data-testid={`field-${field.key}`}
    >
      {editor}
    </Form.Item>
  );
}
