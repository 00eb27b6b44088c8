import { useId } from 'react';
import { type DateRange, PRESETS, type PresetId, presetRange } from './date-range.ts';

// A preset range (in the account's time zone) or custom days.

export interface RangeChoice {
  preset: PresetId | 'custom';
  range: DateRange;
}

export function RangePicker({
  value,
  timeZone,
  onChange,
}: {
  value: RangeChoice;
  timeZone: string;
  onChange: (choice: RangeChoice) => void;
}) {
  const id = useId();
  return (
    <div className="range-picker">
      <label htmlFor={`${id}-preset`}>Range</label>
      <select
        id={`${id}-preset`}
        value={value.preset}
        onChange={(e) => {
          const preset = e.target.value as PresetId | 'custom';
          onChange({ preset, range: preset === 'custom' ? value.range : presetRange(preset, timeZone) });
        }}
      >
        {PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom dates</option>
      </select>
      {value.preset === 'custom' && (
        <>
          <label>
            From
            <input
              type="date"
              value={value.range.from ?? ''}
              onChange={(e) => onChange({ preset: 'custom', range: { ...value.range, from: e.target.value || undefined } })}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={value.range.to ?? ''}
              onChange={(e) => onChange({ preset: 'custom', range: { ...value.range, to: e.target.value || undefined } })}
            />
          </label>
        </>
      )}
      <span className="muted">{timeZone}</span>
    </div>
  );
}
