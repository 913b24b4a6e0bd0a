import { Notice } from '../../components/ui';

/** A one-time password shown once, with what to do with it. */
export function OneTimePassword({ username, password }: { username: string; password: string }) {
  return (
    <Notice>
      <p className="alert-title">Give these to the person, privately. The password is shown only now.</p>
      <dl className="facts">
        <dt>Username</dt><dd><code>{username}</code></dd>
        <dt>One-time password</dt><dd><code className="secret">{password}</code></dd>
      </dl>
      <p>They choose their own password when they first sign in, and accept the confidentiality policy before seeing any record.</p>
    </Notice>
  );
}
