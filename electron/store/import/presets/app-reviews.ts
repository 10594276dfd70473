/**
 * App store reviews: a user's 1-5 star rating of the app, with its title and text, as feedback (a rating on a 5-point
 * scale, so in CSAT's top-2-box like any 5-point rating; label "star rating").
 *
 * - Google Play Console's reviews report (Play Console Help, "Download and export monthly reports", Reviews: monthly
 *   CSV files `reviews_<package>_<yyyymm>.csv`, UTF-16): Package Name, App Version Code, App Version Name, Reviewer
 *   Language, Device, Review Submit Date and Time, Review Submit Millis Since Epoch, Review Last Update Date and Time,
 *   Review Last Update Millis Since Epoch, Star Rating, Review Title, Review Text, Developer Reply Date and Time,
 *   Developer Reply Millis Since Epoch, Developer Reply Text, Review Link. The generic reader took such a file for
 *   requests (five reviews read as five requests without text) and kept no rating.
 * - App Store Connect API customer reviews (`GET /v1/apps/{id}/customerReviews`, the CustomerReview resource,
 *   developer.apple.com/documentation/appstoreconnectapi/customerreview): JSON:API records `{type: 'customerReviews',
 *   id, attributes: {rating, title, body, reviewerNickname, createdDate, territory}}`. The generic reader read the
 *   resource's `type` as the feedback kind and refused every review.
 * Neither names the app's own user, so reviews link to no request.
 */
import { first, hasKeys, share, type Preset } from './common';

type Json = Record<string, unknown>;

/** "Title — text" (either alone when the other is empty); null when both are empty. */
function titled(title: unknown, text: unknown): string | null {
  const parts = [title, text].map((v) => (typeof v === 'string' ? v.trim() : '')).filter((v) => v !== '');
  return parts.length ? parts.join(' — ') : null;
}

/** Google Play Console reviews report (CSV). */
export const googlePlayReviews: Preset = {
  name: 'google-play-reviews',
  label: 'Google Play reviews report',
  kind: 'feedback',
  detect(sample) {
    return share(sample, (r) => hasKeys(r, 'Star Rating') && (hasKeys(r, 'Review Submit Date and Time') || hasKeys(r, 'Review Submit Millis Since Epoch')));
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        // The review's link carries its reviewId: one per review, the same in every month's report.
        id: 'Review Link',
        ts: [{ path: 'Review Submit Millis Since Epoch', unit: 'ms' }, 'Review Submit Date and Time'],
        kind: { const: 'rating' },
        value: 'Star Rating',
        scale: { const: 5 },
        label: { const: 'star rating' },
        comment: { compute: (r: Json) => titled(first(r, 'Review Title'), first(r, 'Review Text')), uses: ['Review Title', 'Review Text'], describe: 'Review Title — Review Text' },
        source: { const: 'google-play' },
      },
    },
  },
  unit: 'reviews',
  notes: ['each review is a 1-5 star rating (in CSAT\'s top-2-box like any 5-point rating) with its title and text; app, device and developer reply are kept with it; reviews link to no request'],
};

/** App Store Connect API customer reviews (JSON:API). */
export const appStoreReviews: Preset = {
  name: 'app-store-reviews',
  label: 'App Store Connect customer reviews',
  kind: 'feedback',
  detect(sample) {
    return share(sample, (r) => r.type === 'customerReviews' && hasKeys(r, 'attributes') && first(r, 'attributes.rating') !== undefined);
  },
  kinds: {
    feedback: {
      autoDetect: false,
      fields: {
        id: 'id',
        ts: 'attributes.createdDate',
        kind: { const: 'rating' },
        value: 'attributes.rating',
        scale: { const: 5 },
        label: { const: 'star rating' },
        comment: { compute: (r: Json) => titled(first(r, 'attributes.title'), first(r, 'attributes.body')), uses: ['attributes.title', 'attributes.body', 'type'], describe: 'attributes.title — attributes.body' },
        source: { const: 'app-store' },
      },
    },
  },
  unit: 'reviews',
  notes: ['each review is a 1-5 star rating (in CSAT\'s top-2-box like any 5-point rating) with its title and text; territory and nickname are kept with it; reviews link to no request'],
};
