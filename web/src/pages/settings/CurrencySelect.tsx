// Every currency the browser knows (ISO 4217), for a store's currency.

let all: string[] | undefined;

export function CurrencySelect({ value, onChange, name }: { value: string; onChange: (code: string) => void; name?: string }) {
  all ??= Intl.supportedValuesOf('currency');
  const codes = all.includes(value) ? all : [...all, value].sort();
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      {codes.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}
