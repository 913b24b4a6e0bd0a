import type { Agreement } from '../../api/sharing';

/** What the sentence needs of the variation on the page. */
type Variation = Pick<Agreement, 'status' | 'signedAt' | 'terminatedAt'>;
/** What it needs of the earlier version it varies (undefined while loading or if it cannot be read). */
type Earlier = Pick<Agreement, 'status' | 'startsOn' | 'endsOn' | 'terminatedAt'> | undefined;

/**
 * The sentence on a variation's page about the earlier version it varies (practice 5.1), split around the link to
 * that version ("an earlier version"): true for each state of both. A draft variation replaces nothing until it is
 * signed, so what is in force meanwhile depends on the earlier version — in force or yet to start; once that version
 * has ended, been ended early or been replaced, the draft can no longer be signed (the API refuses it); once signed, the variation replaced it, and if the variation was ended early in its turn neither is in force.
 * `day` formats a date (YYYY-MM-DD or ISO time) for the reader.
 */
export function variationWords(a: Variation, earlier: Earlier, day: (iso: string) => string): { before: string; after: string } {
  // A signed variation supersedes the earlier version, and a superseded version cannot be ended early: an earlier
  // version shown as ended early was ended before this one was signed.
  const endedEarly = earlier?.status === 'terminated' && earlier.terminatedAt !== null;
  if (a.status === 'draft') {
    switch (earlier?.status) {
      case 'in_force': return { before: 'This varies ', after: ', which stays in force until this one is signed.' };
      case 'signed': return { before: 'This varies ', after: `, which is signed and starts on ${day(earlier!.startsOn)}; this one replaces it once signed.` };
      // A variation completes only while the version it varies is current (5.1): the API refuses every step after.
      case 'terminated': return { before: 'This varies ', after: `, which was ended early${earlier!.terminatedAt ? ` on ${day(earlier!.terminatedAt)}` : ''}: this variation can no longer be signed. Draft a new agreement to carry on sharing.` };
      case 'ended': return { before: 'This varies ', after: `, which ended on ${day(earlier!.endsOn)}: this variation can no longer be signed. Draft a new agreement to carry on sharing.` };
      case 'superseded': return { before: 'This varies ', after: ', which has since been replaced by another variation: this one can no longer be signed.' };
      default: return { before: 'This varies ', after: '.' };
    }
  }
  const first = endedEarly
    ? { before: 'This varies ', after: `, which was ended early on ${day(earlier!.terminatedAt!)}` }
    : { before: 'This replaced ', after: a.signedAt ? ` when it was signed on ${day(a.signedAt)}` : ' when it was signed' };
  if (a.status === 'terminated') {
    return { before: first.before, after: `${first.after}. This one was then ended early${a.terminatedAt ? ` on ${day(a.terminatedAt)}` : ''}: neither version is in force.` };
  }
  return { before: first.before, after: `${first.after}.` };
}

/**
 * Whether a draft may still be signed as far as the earlier version it varies goes (practice 5.1): only while that
 * version is current — in force, or signed and yet to start. A draft that varies nothing always may; while the earlier
 * version is loading the answer is no, so the page never offers a step the API would refuse.
 */
export function earlierAllowsSigning(a: Pick<Agreement, 'supersedes'>, earlier: Earlier): boolean {
  return a.supersedes === null || earlier?.status === 'in_force' || earlier?.status === 'signed';
}
