// Shared by the views: the start of a range (rounded to the minute so every browser asks the same URL and the
// aggregator's short cache serves them all), the series step that suits a range, and the ranking with "Other".
export const spans = { '24h': 86400, '3d': 259200, '1w': 604800, '1m': 2592000, '3m': 7776000, '6m': 15552000, '1y': 31536000, all: null };

export function fromOf(range) {
  const span = spans[range];
  if (span == null) return '1970-01-01T00:00:00Z';
  const start = Math.floor((Date.now() / 1000 - span) / 60) * 60;
  return new Date(start * 1000).toISOString().replace('.000Z', 'Z');
}

export const stepOf = (range) => (['24h', '3d'].includes(range) ? 'hour' : ['1w', '1m', '3m'].includes(range) ? 'day' : 'week');

/** The top entities and one "Other" bucket for the rest (values and shares summed). */
export function withOther(shares, top = 10) {
  const head = shares.slice(0, top);
  const rest = shares.slice(top);
  if (rest.length === 0) return head;
  return [...head, { entity: 'Other', value: rest.reduce((a, s) => a + s.value, 0), share: rest.reduce((a, s) => a + s.share, 0), others: rest.length }];
}

export function concentrationUrl(dimension, basis, range) {
  return `/api/v1/concentration?dimension=DIMENSION_${dimension.toUpperCase()}&basis=BASIS_${basis.toUpperCase()}&from=${encodeURIComponent(fromOf(range))}`;
}
