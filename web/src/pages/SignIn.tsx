import { useState, type FormEvent } from 'react';
import { ApiError, api, call, setCsrfToken } from '../api/client';
import type { SignInResult } from '../api/models';
import { ApiForm } from '../components/ApiForm';
import { AuthFrame } from '../components/AuthFrame';
import { TextInput } from '../components/fields';
import { Button, Notice, PageTitle } from '../components/ui';

/** Sign in with username and password, then the authenticator code when the account has a second factor. */
export function SignIn({ message, onSignedIn }: { message: string | null; onSignedIn: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await call<SignInResult>(api.POST('/api/auth/sign-in', { body: { username: username.trim(), password, ...(needsCode && code ? { code: code.trim() } : {}) } }));
      setCsrfToken(res.csrfToken);
      await onSignedIn();
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'second-factor-required') {
        setNeedsCode(true); // the code field appears and takes focus
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <PageTitle focus={false}>Sign in</PageTitle>
      {message ? <Notice tone="info">{message}</Notice> : null}
      <ApiForm onSubmit={submit} error={error}>
        <TextInput name="username" label="Username" value={username} onChange={setUsername} autoComplete="username" isRequired autoFocus={!needsCode} />
        <TextInput name="password" label="Password" type="password" value={password} onChange={setPassword} autoComplete="current-password" isRequired />
        {needsCode ? (
          <TextInput
            name="code" label="Authenticator code" value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" isRequired autoFocus
            description="Your account has a second factor. Enter the six-digit code your authenticator app shows now."
          />
        ) : null}
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</Button>
        </div>
      </ApiForm>
      <p className="hint">Forgotten your password? Ask your administrator to reset it; they will give you a one-time password.</p>
    </AuthFrame>
  );
}
