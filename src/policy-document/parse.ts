/** One clause of an organisation's policy, as parsed from its text. */
export interface Clause {
  /** Stable id: "1.1", "practice 4.1", or a slug for unnumbered sections ("monitoring-and-review"). */
  id: string;
  part: 'main' | 'practice';
  heading: string | null;
  text: string;
  parent: string | null;
  /** True when the clause only groups sub-clauses (e.g. "3. Policy Principles"). */
  section: boolean;
}

const NUMBERED = /^\s*(?:[-*•]\s+)?(?:\*\*)?(?:(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)\.?|(\d{1,2})\.)(?:\*\*)?\s+(.+)$/;
const BULLET = /^\s*[-*•]\s+(.*)$/;
const PRACTICE = /^(?:#+\s*)?the policy in practice\s*$/i;
/** Sign-off lines ("Agreed by …", "Signature  Date") end the clause before them and belong to no clause. */
const SIGN_OFF = /^(?:(?:agreed|approved|adopted|signed) by\b|signed\b|signature\b|date\s*:?\s*$|date\s*:)/i;

const clean = (s: string) => s.replace(/\*\*/g, '').replace(/^#+\s*/, '').replace(/\s+/g, ' ').trim();
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const looksLikeHeading = (s: string) => s.length <= 60 && !/[.;:,]$/.test(s);

/**
 * Parses a policy written as plain text or Markdown into clauses: numbered clauses ("1.1", "4.2 Need to Know"),
 * the "Policy in Practice" section's own numbering (ids "practice 1", "practice 4.1"), and unnumbered sections
 * ("Monitoring and Review"). Lines repeated on every page (running headers) are ignored.
 */
export function parsePolicy(text: string): Clause[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const counts = new Map<string, number>();
  for (const l of lines) {
    const t = clean(l);
    if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const clauses: Clause[] = [];
  let part: Clause['part'] = 'main';
  let current: Clause | null = null;
  const byId = new Map<string, Clause>();

  const start = (id: string, heading: string | null, body: string) => {
    const number = id.replace(/^practice /, '');
    const parentNumber = number.includes('.') ? number.slice(0, number.lastIndexOf('.')) : null;
    const parent = parentNumber ? (part === 'practice' ? `practice ${parentNumber}` : parentNumber) : null;
    const clause: Clause = { id, part, heading, text: body, parent: parent && byId.has(parent) ? parent : null, section: false };
    if (clause.parent) byId.get(clause.parent)!.section = true;
    if (byId.has(id)) return (current = byId.get(id)!); // a repeated number continues the earlier clause
    byId.set(id, clause);
    clauses.push(clause);
    current = clause;
    return clause;
  };
  const append = (s: string, asItem: boolean) => {
    if (!current || !s) return;
    current.text = current.text ? `${current.text}${asItem ? '\n• ' : ' '}${s}` : asItem ? `• ${s}` : s;
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const t = clean(raw);
    if (!t) continue;
    if (PRACTICE.test(t)) {
      part = 'practice';
      current = null;
      continue;
    }
    if ((counts.get(t) ?? 0) > 1 && !BULLET.test(raw)) continue; // running header/footer
    if (SIGN_OFF.test(t)) {
      current = null;
      continue;
    }
    const m = NUMBERED.exec(raw);
    if (m) {
      const number = m[1] ?? m[2];
      const rest = clean(m[3]);
      const id = part === 'practice' ? `practice ${number}` : number;
      if (!BULLET.test(raw) && looksLikeHeading(rest)) start(id, rest, '');
      else start(id, null, rest);
      continue;
    }
    const bullet = BULLET.exec(raw);
    if (bullet) {
      append(clean(bullet[1]), true);
      continue;
    }
    const prevBlank = i === 0 || !lines[i - 1].trim();
    const nextBlank = i + 1 >= lines.length || !lines[i + 1].trim();
    if (prevBlank && nextBlank && looksLikeHeading(t) && t.split(' ').length <= 6) {
      start(slug(t), t, '');
      continue;
    }
    append(t, false);
  }
  // Unnumbered sections with no real body (signature blocks, stray labels) are not clauses.
  return clauses.filter((c) => /\d/.test(c.id.charAt(c.id.length - 1)) || c.section || c.text.length >= 40);
}
