// Both drivers return int8 and numeric as text (see connect.ts); a nullable int8 column is read
// as a bigint here.
export const nullableBigint = (v: string | null) => (v === null ? null : BigInt(v));
