/** Edit distance (Damerau: a swap of two neighbours counts as one edit, the commonest typo). */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name a typo most likely meant, or undefined when nothing is close enough to be a
 * useful suggestion. Case, spaces and dashes are ignored (firstMessage, first-message → first_message).
 */
export function closest(input: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  const n = norm(input);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const k of known) {
    const kn = norm(k);
    let score = editDistance(n, kn);
    // "voice_setting" / "settings": one name containing the other is a strong hint.
    if (n.length >= 3 && (kn.includes(n) || n.includes(kn))) score = Math.min(score, 1);
    if (score < bestScore) {
      bestScore = score;
      best = k;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return bestScore <= limit ? best : undefined;
}
