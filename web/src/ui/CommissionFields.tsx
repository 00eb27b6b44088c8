import { useId } from 'react';
import type { TermsDraft } from './commission-terms.ts';

// Percent of the sale and / or a fixed amount per order; an empty field means none.

export function CommissionFields({
  value,
  onChange,
  disabled,
  legend = 'Commission terms',
}: {
  value: TermsDraft;
  onChange: (draft: TermsDraft) => void;
  disabled?: boolean;
  legend?: string;
}) {
  const id = useId();
  return (
    <fieldset className="terms-fields" disabled={disabled}>
      <legend>{legend}</legend>
      <label htmlFor={`${id}-percent`}>Percent of sale</label>
      <span className="with-suffix">
        <input
          id={`${id}-percent`}
          inputMode="decimal"
          placeholder="e.g. 10"
          value={value.percent}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange({ ...value, percent: e.target.value })}
        />
        <span aria-hidden="true">%</span>
      </span>
      <label htmlFor={`${id}-fixed`}>Fixed amount per order</label>
      <span className="money-input">
        <input
          id={`${id}-fixed`}
          inputMode="decimal"
          placeholder="e.g. 2.50"
          value={value.fixedValue}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onChange({ ...value, fixedValue: e.target.value })}
        />
        <input
          aria-label="Currency of the fixed amount"
          className="currency"
          maxLength={3}
          autoCapitalize="characters"
          value={value.fixedCurrency}
          onChange={(e) => onChange({ ...value, fixedCurrency: e.target.value.toUpperCase() })}
        />
      </span>
      <p id={`${id}-hint`} className="muted hint">
        Leave a field empty for none. Both apply when both are given.
      </p>
    </fieldset>
  );
}
