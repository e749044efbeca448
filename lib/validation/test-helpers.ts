/** Fake reference data for tests: the province codes a test may treat as known. */
export const TEST_PROVINCE_CODES = [
  "11", "12", "31", "32", "33", "34", "35", "36", "51", "52", "53", "61", "64", "73", "91", "92", "94", "96",
];

export const isProvinceCode = (c: string): boolean => TEST_PROVINCE_CODES.includes(c);
