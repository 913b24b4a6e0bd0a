import { roleBit, type ActorFacts } from '../policy/types';

/**
 * Confide itself, as the actor of the work it does on its own behalf: installing the bundled policy, creating the
 * first administrator, the console's commands (`confide user …`, `confide policy load`, `confide access explain`),
 * creating the demo accounts, and recording a sign-in attempt for an account that does not exist. The audit names it
 * by the id `system`, which no account can have (accounts have UUIDv7 ids). It has the guardian's oversight (explain
 * who can see what, verify the audit) and nothing more: whoever runs the console holds the database itself.
 */
export const SYSTEM_ACTOR: ActorFacts = Object.freeze({
  id: 'system',
  username: 'system',
  roles: Object.freeze(['guardian'] as const),
  roleMask: roleBit('guardian'),
  policyAccepted: true,
  grants: Object.freeze([]),
});
