// The ledger's write path now lives in src/app/ledger/; this name stays for its callers.
export { type Applied, type BatchDelivery, applyBatch } from './ledger/apply-batch.ts';
