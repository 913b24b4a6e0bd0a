import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import type { ApiToken } from '../api/models';
import { Radios, TextInput } from '../components/fields';
import { Button, Notice, PageTitle, formatDate } from '../components/ui';
import { roleList } from '../labels';
import { useSession } from '../session';
import { ChangePassword } from './ChangePassword';
import { ApiForm } from '../components/ApiForm';

/** Set up, or remove, a second factor (an authenticator app's six-digit codes). */
function SecondFactor() {
  const { me, refresh } = useSession();
  const [secret, setSecret] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    try {
      setSecret(await call(api.POST('/api/auth/totp/enrol', { body: {} })));
    } catch (err) {
      setError(err);
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/auth/totp/confirm', { body: { code: code.trim() } }));
      setSecret(null);
      setCode('');
      setNotice('Your second factor is set up. From now on, sign-in asks for a code.');
      await refresh();
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/auth/totp/disable', { body: { password, code: code.trim() } }));
      setPassword('');
      setCode('');
      setNotice('Your second factor is removed.');
      await refresh();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel" aria-labelledby="factor-title">
      <h2 id="factor-title">Second factor</h2>
      {notice ? <Notice>{notice}</Notice> : null}
      {me.user.totpEnabled ? (
        <ApiForm onSubmit={remove} error={error}>
          <p>Sign-in asks for a code from your authenticator app.</p>
          <TextInput name="password" label="Your password" type="password" value={password} onChange={setPassword} isRequired autoComplete="current-password" />
          <TextInput name="code" label="A current code" value={code} onChange={setCode} inputMode="numeric" isRequired autoComplete="one-time-code" />
          <div className="actions"><Button type="submit" variant="danger">Remove second factor</Button></div>
        </ApiForm>
      ) : secret ? (
        <ApiForm onSubmit={confirm} error={error}>
          <ol className="steps">
            <li>In your authenticator app, add an account by entering this key: <code className="secret">{secret.secret.replace(/(.{4})/g, '$1 ').trim()}</code></li>
            <li>Enter the six-digit code the app now shows.</li>
          </ol>
          <TextInput name="code" label="Code from the app" value={code} onChange={setCode} inputMode="numeric" isRequired autoComplete="one-time-code" autoFocus />
          <div className="actions"><Button type="submit">Confirm</Button><Button variant="secondary" onPress={() => setSecret(null)}>Cancel</Button></div>
        </ApiForm>
      ) : (
        <>
          <p>A code from an app on your phone, as well as your password, keeps your account safe if your password leaks. Setting one up is your choice for now{me.user.roles.some((r) => r === 'administrator' || r === 'manager') ? '; once it is set up, administrators and managers keep it (only another administrator’s reset removes it)' : ''}.</p>
          <Button variant="secondary" onPress={start}>Set up a second factor</Button>
        </>
      )}
    </section>
  );
}

/** Personal API tokens for scripts: created (shown once), listed, revoked. */
function Tokens() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => call<{ items: ApiToken[] }>(api.GET('/api/auth/tokens')) });
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const res = await call<{ token: string }>(api.POST('/api/auth/tokens', { body: { name, scopes: scope === 'read' ? ['read'] : ['read', 'write'], expiresInDays: Number(days) } }));
      setCreated(res.token);
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    } catch (err) {
      setError(err);
    }
  };
  const revoke = async (id: string) => {
    setError(null);
    try {
      await call(api.DELETE('/api/auth/tokens/{id}', { params: { path: { id } } }));
      await queryClient.invalidateQueries({ queryKey: ['tokens'] });
    } catch (err) {
      setError(err);
    }
  };
  const live = (tokens.data?.items ?? []).filter((t) => !t.revokedAt);
  return (
    <section className="panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="hint">For scripts that use the API as you. A token can do what you can, no more; keep it secret.</p>
      {created ? <Notice><p className="alert-title">Copy your token now — it is shown only once:</p><code className="secret">{created}</code></Notice> : null}
      {live.length ? (
        <ul className="plain-list">
          {live.map((t) => (
            <li key={t.id} className="attachment">
              <span><strong>{t.name}</strong> <span className="muted">· {t.scopes.join(' + ')} · expires {formatDate(t.expiresAt)}</span></span>
              <Button variant="quiet" className="small" onPress={() => revoke(t.id)} aria-label={`Revoke ${t.name}`}>Revoke</Button>
            </li>
          ))}
        </ul>
      ) : null}
      <ApiForm onSubmit={create} error={error}>
        <TextInput name="name" label="Token name" value={name} onChange={setName} isRequired description="What it is for, e.g. “monthly report”." />
        <Radios name="scopes" label="It may" value={scope} onChange={setScope} options={[{ id: 'read', label: 'Read only' }, { id: 'write', label: 'Read and change records' }]} />
        <TextInput name="expiresInDays" label="Expires after (days)" value={days} onChange={setDays} inputMode="numeric" isRequired />
        <div className="actions"><Button type="submit" variant="secondary">Create token</Button></div>
      </ApiForm>
    </section>
  );
}

/** The signed-in user's own account: password, second factor, API tokens. */
export default function YourAccount() {
  const { me } = useSession();
  return (
    <section>
      <PageTitle>Your account</PageTitle>
      <p className="lede">{me.user.displayName} · {me.user.username} · {roleList(me.user.roles)}</p>
      <div className="columns">
        <section className="panel" aria-labelledby="password-title">
          <h2 id="password-title">Change your password</h2>
          <ChangePassword />
        </section>
        <div className="stack">
          <SecondFactor />
          <Tokens />
        </div>
      </div>
    </section>
  );
}
