// One import path for everything currency-rate related; the work lives in the two files below.
export { type Rate, FxFileError, ecbFileRates, isIsoDay, parseEcbCsv, parseEcbXml, parseEcbFile } from './fx-parse.ts';
export { type RateLookup, type Conversion, rateLookupFrom, conversionRatio, convertMinor, dayOfUtc } from './fx-convert.ts';
