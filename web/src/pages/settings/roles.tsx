import type { Role } from '../../api/types.ts';

// What each role may do (the server enforces it; this only explains it).
export const ROLES: ReadonlyArray<{ role: Role; name: string; can: string }> = [
  { role: 'viewer', name: 'Viewer', can: 'reads everything, changes nothing' },
  { role: 'member', name: 'Member', can: 'also rejects / undoes conversions and exports' },
  { role: 'admin', name: 'Admin', can: 'may do everything, settings included' },
];

export const roleName = (role: Role) => ROLES.find((r) => r.role === role)?.name ?? role;

export function RoleSelect({ value, onChange }: { value: Role; onChange: (role: Role) => void }) {
  return (
    <select name="role" value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r.role} value={r.role}>
          {r.name} — {r.can}
        </option>
      ))}
    </select>
  );
}
