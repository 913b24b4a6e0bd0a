import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client';
import type { PolicyRule } from '../../api/policy';
import { PathForm } from '../../components/PathForm';
import { Choice, Radios } from '../../components/fields';
import { Button, Loading, Notice, PageTitle, ProblemMessage } from '../../components/ui';
import { hasRole, useSession } from '../../session';
import { AdminNav } from './shared';

type Mode = PolicyRule['mode'];
const MODES: ReadonlyArray<{ id: Mode; label: string; description: string }> = [
  { id: 'enforce', label: 'Enforce', description: 'What the rule forbids is refused.' },
  { id: 'warn', label: 'Warn only', description: 'Allowed, but every use is recorded in the audit trail as a breach of the rule (for a roll-out).' },
];

/**
 * Every rule of the engine with the clause it cites and its mode. Administrators may switch a rule the API lets the
 * organisation relax; the API refuses the rest (safety rules are always enforced), and its refusal is shown.
 */
export default function RuleModes() {
  const { me } = useSession();
  const rules = useQuery({ queryKey: ['policy', 'rules'], queryFn: () => call<{ items: PolicyRule[] }>(api.GET('/api/policy/rules')) });
  const [shown, setShown] = useState<'forbid' | 'all'>('forbid');
  const all = rules.data?.items ?? [];
  const forbid = all.filter((r) => r.effect === 'forbid');
  const listed = shown === 'forbid' ? forbid : all;
  return (
    <section>
      <AdminNav />
      <PageTitle>Rule modes</PageTitle>
      <p className="lede">The rules Confide applies, each citing the clause of your policy it carries out. A few may be switched to “warn only” while a practice is introduced; the rest are always enforced.</p>
      <ProblemMessage error={rules.error} focus={false} />
      {rules.isPending ? <Loading /> : null}
      {rules.data && hasRole(me, 'administrator') ? <ChangeMode rules={forbid} /> : null}
      {rules.data ? (
        <>
        <div className="matrix-filter">
          <Radios name="shown" label="Show" value={shown} onChange={setShown} options={[
            { id: 'forbid', label: `Rules that refuse (${forbid.length})` },
            { id: 'all', label: `Every rule, with those that allow (${all.length})` },
          ]} />
        </div>
        <div className="table-wrap">
          <table className="table rules-table">
            <caption className="visually-hidden">Rules with their clause and mode ({listed.length} shown)</caption>
            <thead><tr><th scope="col">Rule</th><th scope="col">Clause</th><th scope="col">What it does</th><th scope="col">Mode</th></tr></thead>
            <tbody>
              {listed.map((r) => (
                <tr key={r.id}>
                  <th scope="row"><code>{r.id}</code><span className="muted block">{r.effect === 'forbid' ? 'Forbids' : 'Allows'}</span></th>
                  <td>{r.clause}</td>
                  <td>{r.reason}</td>
                  <td>
                    {r.effect === 'allow' ? <span className="muted">—</span> : r.mode === 'warn' ? <span className="badge warn">Warn only</span> : <span className="badge ok">Enforced</span>}
                    {r.effect === 'forbid' ? <span className="muted block">{r.configurable ? 'May be relaxed' : 'Always enforced'}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        </>
      ) : null}
    </section>
  );
}

const NAMES = ['params.ruleId', 'mode'] as const;

/** Choose a rule that refuses and a mode; the API decides whether the rule may be switched. */
function ChangeMode({ rules }: { rules: PolicyRule[] }) {
  const queryClient = useQueryClient();
  const [ruleId, setRuleId] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    const missing = { ...(ruleId ? {} : { 'params.ruleId': 'Choose a rule' }), ...(mode ? {} : { mode: 'Choose a mode' }) };
    setClientErrors(Object.keys(missing).length ? missing : null);
    if (!ruleId || !mode) return;
    try {
      await call(api.PUT('/api/policy/rules/{ruleId}/mode', { params: { path: { ruleId } }, body: { mode } }));
      await queryClient.invalidateQueries({ queryKey: ['policy', 'rules'] });
      setDone(`${ruleId} is now ${mode === 'warn' ? 'warn only: uses it would refuse are allowed and recorded as breaches' : 'enforced'}. It applies from the next request on. Every active manager and the guardian are told of a change in Confide.`);
      setTimeout(() => document.getElementById('mode-done')?.focus());
    } catch (err) {
      // The API's refusal of a rule that may not be relaxed (409), in its own words, at the rule it names.
      if (err instanceof ApiError && err.status === 409 && err.problem.errors?.some((x) => x.path === 'params.ruleId')) setClientErrors({ 'params.ruleId': err.message });
      else setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="change-title">
      <h2 id="change-title">Change a rule’s mode</h2>
      {done ? <div id="mode-done" tabIndex={-1}><Notice>{done}</Notice></div> : null}
      <PathForm error={error} clientErrors={clientErrors} names={NAMES} onSubmit={submit}>
        <Choice name="params.ruleId" label="Rule" value={ruleId} onChange={(v) => { setRuleId(v); setDone(null); }} isRequired
          options={rules.map((r) => ({ id: r.id, label: `${r.id} (${r.clause})` }))} />
        <Radios name="mode" label="Mode" value={mode} onChange={setMode} isRequired options={MODES} description="A change is told at once to every active manager and the guardian: which rule, from what to what, by whom." />
        <div className="actions"><Button type="submit">Change mode</Button></div>
      </PathForm>
    </section>
  );
}
