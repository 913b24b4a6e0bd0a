import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import { AuthFrame } from '../components/AuthFrame';
import { TextInput } from '../components/fields';
import { Button, Notice, PageTitle } from '../components/ui';
import { useSession } from '../session';
import { ApiForm } from '../components/ApiForm';

/** The password rules, shown before the first attempt (the API checks them: src/accounts/passwords.ts). */
export function PasswordRules({ username }: { username: string }) {
  return (
    <div className="rules" id="password-rules">
      <p>Your new password must:</p>
      <ul>
        <li>be at least 12 characters long (a few words together is easy to remember),</li>
        <li>not contain your username ({username}),</li>
        <li>not be repetitive (use at least 5 different characters),</li>
        <li>be different from your current password.</li>
      </ul>
    </div>
  );
}

/** Choose a new password: the first-run change of a one-time password, or a change from "Your account". */
export function ChangePassword({ firstRun = false, onChanged }: { firstRun?: boolean; onChanged?: () => void }) {
  const { me, refresh } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/auth/password', { body: { currentPassword: current, newPassword: next } }));
      setCurrent('');
      setNext('');
      setDone(true);
      onChanged?.();
      if (firstRun) await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const form = (
    <>
      {done && !firstRun ? <Notice>Your password is changed. Your other sessions were signed out.</Notice> : null}
      <PasswordRules username={me.user.username} />
      <ApiForm onSubmit={submit} error={error}>
        <TextInput name="currentPassword" label={firstRun ? 'One-time password' : 'Current password'} type="password" value={current} onChange={setCurrent} autoComplete="current-password" isRequired />
        <TextInput name="newPassword" label="New password" type="password" value={next} onChange={setNext} autoComplete="new-password" isRequired description="See the rules above." />
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Save password'}</Button>
        </div>
      </ApiForm>
    </>
  );
  if (!firstRun) return form;
  return (
    <AuthFrame>
      <PageTitle>Choose your own password</PageTitle>
      <p>Welcome, {me.user.displayName}. Your administrator gave you a one-time password; choose one only you know before you go on.</p>
      {form}
    </AuthFrame>
  );
}
