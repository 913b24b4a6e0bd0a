import { useEffect, useRef } from 'react';
import type { ApiError } from '../../api/client';
import { Button } from '../../components/ui';
import { ItemsAtFault, itemsAtFault, type ItemAtFault, type SentItems } from '../disclosure/shared';

/** Where a referral's items are named in the API's answers (src/safeguarding/referral-disclosure.ts). */
export const REFERRAL_ITEMS = 'body.share.items';

/**
 * A referral the API refused (403) at its last step, in the API's words with its clause: each item at fault named —
 * a note whose session details need the person's request, or one the referrer may not read, with its "request access"
 * a link to where access is asked for — and what else is missing (the person's request). Nothing has been shared and
 * nothing is recorded; sending the same again would meet the same refusal, so only changing what is shared is offered.
 * Takes focus.
 */
export function ReferralRefusal({ error, sent, label, accessHref, onChange }: {
  error: ApiError; sent: SentItems; label: (i: ItemAtFault) => string; accessHref: (i: ItemAtFault) => string | null; onChange: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [error]);
  const { items, others } = itemsAtFault(error, REFERRAL_ITEMS, sent);
  // When each item is refused in the refusal's own words, the list says it once, item by item.
  const itemsSayIt = items.length > 0 && items.every((i) => i.message === error.message);
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="refusal">
      <p className="refusal-title">Refused — nothing has been shared and the referral is not recorded</p>
      <p className="refusal-reason">{itemsSayIt ? (items.length === 1 ? 'This item cannot go:' : 'These items cannot go:') : error.message}</p>
      <ItemsAtFault items={items} label={label} accessHref={accessHref} />
      {others.length ? <ul className="refusal-options refusal-reasons">{others.map((e) => <li key={e.path}>{e.message}</li>)}</ul> : null}
      {error.problem.clause ? <p className="refusal-clause">Policy clause {error.problem.clause}</p> : null}
      <p>Leave the item out, or — for session details the person asked to be shared — record their request with the items. If someone is in danger now, call 999.</p>
      <div className="actions">
        <Button onPress={onChange}>Change what is shared</Button>
      </div>
    </div>
  );
}
