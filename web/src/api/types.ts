import type { components, paths } from './schema.d.ts';

// Names for the API's shapes this app reads, all taken from the generated schema.

type Schemas = components['schemas'];
type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Responses<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON answer of a successful call (200 or 201). */
export type Answer<P extends keyof paths, M extends Method> =
  | Json<Responses<P, M>[200 & keyof Responses<P, M>]>
  | Json<Responses<P, M>[201 & keyof Responses<P, M>]>;
/** A call's query parameters. */
export type Query<P extends keyof paths, M extends Method> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

export type Money = Schemas['Money'];
export type Account = Schemas['Account'];
export type User = Schemas['User'];
export type Role = User['role'];
export type Me = Schemas['Me'];
export type SessionReply = Answer<'/api/login', 'post'>;

export type Dashboard = Schemas['Dashboard'];
export type Performance = Schemas['Performance'];
export type Campaign = Schemas['Campaign'];
export type Commission = Schemas['Commission'];
export type Conversion = Schemas['Conversion'];
export type StoreStatus = Conversion['status'];
export type ConversionPage = Answer<'/api/campaigns/{id}/conversions', 'get'>;
export type Member = Schemas['Member'];
export type MemberLink = Schemas['MemberLink'];
export type Creator = Schemas['Creator'];
export type Community = Schemas['Community'];
export type CommunityCreator = Community['creators'][number];
export type CommunitySort = NonNullable<Query<'/api/community', 'get'>['sort']>;

export type Store = Schemas['Store'];
export type Platform = Store['platform'];
export type DeadLetter = Answer<'/api/stores/{id}/dead-letters', 'get'>['items'][number];
export type ApiKey = Answer<'/api/api-keys', 'get'>['items'][number];
export type RatesReply = Answer<'/api/fx-rates', 'get'>;
export type ImportReply = Answer<'/api/fx-rates/import', 'post'>;

export type AmountsDue = Schemas['AmountsDue'];
export type DueCreator = Schemas['DueCreator'];
export type DueTotals = Schemas['DueTotals'];
export type Payout = Schemas['Payout'];
export type PayoutDetail = Schemas['PayoutDetail'];
export type PayoutStatus = Payout['status'];
export type PayoutMethod = NonNullable<Payout['method']>;
export type Adjustment = Schemas['Adjustment'];
export type CreatorCampaigns = Schemas['CreatorCampaigns'];
export type CreatorCampaign = Schemas['CreatorCampaign'];
export type Portal = Schemas['Portal'];
export type PortalOrder = Schemas['PortalOrder'];
