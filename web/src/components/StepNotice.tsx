import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A confirmation after a step that takes focus when it appears or changes, so keyboard and screen-reader users land on
 * what happened — also when the control they used has gone (an approved draft's "Approve", a closed breach's form).
 */
export function StepNotice({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' | 'warning' }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [children]);
  return <div ref={ref} tabIndex={-1} role="status" className={`alert ${tone}`}>{children}</div>;
}
