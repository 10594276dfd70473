// Minimal typings for the part of jStat (https://jstat.github.io) that Loupe's statistics use.
// jstat ships a UMD bundle without types; its CommonJS `module.exports` is the jStat object,
// which ESM code (Node, Vite, esbuild) receives as the default import.
declare module 'jstat' {
  interface JStatDistributionCdf {
    /** Cumulative distribution function. */
    cdf(x: number, ...params: number[]): number;
    /** Inverse of the cumulative distribution function (quantile function). */
    inv(p: number, ...params: number[]): number;
  }
  interface JStatStatic {
    /** Chi-square distribution: `cdf(x, dof)`, `inv(p, dof)`. */
    chisquare: JStatDistributionCdf;
    /** Normal distribution: `cdf(x, mean, sd)`, `inv(p, mean, sd)`. */
    normal: JStatDistributionCdf;
    /** Beta distribution: `cdf(x, a, b)`, `inv(p, a, b)` (regularized incomplete beta and its inverse). */
    beta: JStatDistributionCdf;
    /** Student's t distribution: `cdf(x, dof)`, `inv(p, dof)`. */
    studentt: JStatDistributionCdf;
    /** Natural log of the gamma function, ln Γ(x), for x > 0. */
    gammaln(x: number): number;
  }
  const jStat: JStatStatic;
  export default jStat;
}
