import type { ReactNode } from 'react';

/** The frame of the pages before the app: sign-in, first password, the policy. */
export function AuthFrame({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="auth">
      <header className="auth-brand">
        <span className="brand-mark" aria-hidden="true">C</span>
        <span>Confide</span>
      </header>
      <main id="main" className={`auth-card ${wide ? 'wide' : ''}`}>{children}</main>
      <footer className="auth-footer">Confidential case records. Every access is recorded.</footer>
    </div>
  );
}
