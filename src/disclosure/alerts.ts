import type { Ctx } from '../context';
import type { Decision } from '../policy/types';
import type { DisclosureRow } from '../db/schema';
import { activeManagers, notify } from '../notify/notify';
import { settleAlerts } from '../notify/settle';

/** A disclosure's page in the web app, as an e-mail links to it (the fragment keeps the id out of server logs). */
export const disclosurePath = (id: string) => `/#/disclosures/${id}`;

/**
 * An exception asked for (1.3: without consent, decided by management) goes to every active manager but the
 * requester at once, in Confide and by e-mail: it waits on one of them, and until now it waited unseen on the
 * register's "Waiting for approval" list. Nothing confidential: the message links to the disclosure. The alert and its
 * audit entry cite `decision`, the one that allowed the request.
 */
export async function alertManagersToDecide(ctx: Ctx, row: Pick<DisclosureRow, 'id' | 'reference'>, decision: Pick<Decision, 'ruleId' | 'clause'>) {
  await notify(ctx, await activeManagers(ctx, ctx.actor.id), {
    kind: 'disclosure-approval', subject: `Disclosure ${row.reference} without consent needs a manager's decision`,
    body: 'A member of staff asks to share information under an exception to consent (a legal duty, or an emergency or crime prevention). A manager who did not ask decides it: open it to approve or refuse, with your reasons.',
    resourceType: 'disclosure', resourceId: row.id, emailPath: disclosurePath(row.id), decision,
  });
}

/**
 * Once an exception is decided, the managers' alerts to decide it are settled — taken by the actor, so none of them
 * still sees it as waiting on them (src/notify/settle.ts) — and the requester is told the decision, and what to do
 * next when it was approved.
 */
export async function tellRequesterDecided(ctx: Ctx, row: Pick<DisclosureRow, 'id' | 'reference' | 'requested_by'>, approved: boolean, decision: Pick<Decision, 'ruleId' | 'clause'>) {
  await settleAlerts(ctx, { resourceType: 'disclosure', resourceId: row.id, kinds: ['disclosure-approval'], decision });
  await notify(ctx, [row.requested_by], approved
    ? {
      kind: 'disclosure-approved', subject: `Disclosure ${row.reference} was approved`,
      body: 'A manager approved sharing it under the exception. Send the recipient the link to accept the confidentiality terms; you release it once they have.',
      resourceType: 'disclosure', resourceId: row.id, emailPath: disclosurePath(row.id), decision,
    }
    : {
      kind: 'disclosure-refused', subject: `Disclosure ${row.reference} was refused`,
      body: 'A manager refused sharing it under the exception; their reasons are on the disclosure. Nothing is shared.',
      resourceType: 'disclosure', resourceId: row.id, emailPath: disclosurePath(row.id), decision,
    });
}
