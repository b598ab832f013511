// ROC AUC by the rank-sum (Mann–Whitney U) formula, ties counted half.

export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0, rankSum = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) positives++, (rankSum += rank);
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('rocAuc: needs both classes');
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
