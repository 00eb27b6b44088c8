// One import path for everything currency-rate related; the work lives in the two files below.

export { type Conversion, conversionRatio, convertMinor, dayOfUtc, type RateLookup, rateLookupFrom } from './fx-convert.ts';
export { ecbFileRates, FxFileError, isIsoDay, parseEcbCsv, parseEcbFile, parseEcbXml, type Rate } from './fx-parse.ts';
