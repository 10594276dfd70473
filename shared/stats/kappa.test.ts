import { describe, expect, it } from 'vitest';
import { cohensKappa, percentAgreement, weightedKappa } from './kappa';

// Reference values: docs/STATS.md "Agreement between two reviewers".
const TOL = 1e-9;
const passFailA = ['P', 'P', 'F', 'P', 'F', 'P', 'P', 'F', 'P', 'P'];
const passFailB = ['P', 'F', 'F', 'P', 'F', 'P', 'P', 'P', 'P', 'P'];
const scaleA = [1, 2, 3, 4, 5, 3, 4, 2, 5, 1, 3, 4];
const scaleB = [1, 2, 4, 4, 5, 2, 4, 3, 4, 1, 3, 5];
const scale = [1, 2, 3, 4, 5];

describe("Cohen's kappa", () => {
  it('pass/fail: 0.5238095238', () => {
    const r = cohensKappa(passFailA, passFailB);
    expect(Math.abs(r.kappa - 0.5238095238)).toBeLessThan(TOL);
    expect(r.observedAgreement).toBeCloseTo(0.8, 15);
    expect(r.expectedAgreement).toBeCloseTo(0.58, 15); // 0.7·0.8 + 0.3·0.2
    expect(r.n).toBe(10);
    expect(r.categories).toEqual(['P', 'F']);
  });

  it('1-5 scale, unweighted: 0.4736842105', () => {
    expect(Math.abs(cohensKappa(scaleA, scaleB).kappa - 0.4736842105)).toBeLessThan(TOL);
    expect(Math.abs(weightedKappa(scaleA, scaleB, scale, 'none').kappa - 0.4736842105)).toBeLessThan(TOL);
  });

  it('1-5 scale, linear weights: 0.7222222222', () => {
    expect(Math.abs(weightedKappa(scaleA, scaleB, scale, 'linear').kappa - 0.7222222222)).toBeLessThan(TOL);
  });

  it('1-5 scale, quadratic weights: 0.8828125', () => {
    expect(Math.abs(weightedKappa(scaleA, scaleB, scale, 'quadratic').kappa - 0.8828125)).toBeLessThan(TOL);
  });

  it('is 1 for perfect agreement and NaN when both reviewers used one identical label throughout', () => {
    expect(cohensKappa(['P', 'F', 'P'], ['P', 'F', 'P']).kappa).toBe(1);
    expect(cohensKappa(['P', 'P'], ['P', 'P']).kappa).toBeNaN();
    expect(cohensKappa([], []).kappa).toBeNaN();
  });

  it('rejects mismatched lengths and labels outside the scale', () => {
    expect(() => cohensKappa(['P'], ['P', 'F'])).toThrow('both reviewers must label the same items: got 1 and 2 labels');
    expect(() => weightedKappa([1, 6], [1, 2], scale, 'linear')).toThrow('reviewer A, item 1: label 6 is not one of the categories [1,2,3,4,5]');
  });
});

describe('percentAgreement', () => {
  it('is the percentage of identical labels', () => {
    expect(percentAgreement(passFailA, passFailB)).toBe(80);
    expect(percentAgreement(scaleA, scaleB)).toBeCloseTo((100 * 7) / 12, 12);
    expect(percentAgreement([], [])).toBeNaN();
  });
});
