// Summaries of timing samples: median and the full min-max spread, since on
// a shared machine the spread says as much as the median.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values) {
  if (!values || values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** A ratio of medians, or null when either side is missing. */
export function ratio(a, b) {
  const sa = summary(a);
  const sb = summary(b);
  return sa && sb && sb.median > 0 ? sa.median / sb.median : null;
}
