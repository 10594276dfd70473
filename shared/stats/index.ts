// Loupe's statistics: pure functions, validated against docs/STATS.md reference values in the tests.
export * from './distributions';
export * from './wilson';
export * from './stratified';
export * from './kappa';
export * from './survey';
export * from './quantile';
export * from './ks';
export * from './chisquare';
export * from './psi';
export * from './multiple';
export * from './stratified-interval';
export * from './design-coverage';
export * from './log-odds';
export * from './rates';
export * from './rate-tests';
