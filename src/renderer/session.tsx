/**
 * What every screen needs to know: the cabinet state (who is logged in, for which organisation),
 * and how to go to another screen. One context, filled from `cabinet:state` and kept current by
 * the screens that change it.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { CabinetState } from '../shared/api';
import { callApi } from './api/client';

/** The screens of the app. */
export type Section =
  | 'home'
  | 'login'
  | 'wizard'
  | 'packages'
  | 'package'
  | 'outbox'
  | 'licenses'
  | 'notifications'
  | 'journal'
  | 'tokens'
  | 'signature-check'
  | 'diagnostics'
  | 'settings'
  | 'first-run';

/** Where to go, with what: a package id, a draft to continue, a prefilled new application. */
export interface Route {
  section: Section;
  packageId?: string;
  draftId?: string;
  typeCode?: string;
  prefill?: Record<string, unknown>;
}

interface SessionValue {
  cabinet: CabinetState | undefined;
  setCabinet: (state: CabinetState) => void;
  reloadCabinet: () => Promise<void>;
  route: Route;
  navigate: (route: Route) => void;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

/** Provides the session to the app. */
export function SessionProvider({ children, initial }: { children: ReactNode; initial: Route }) {
  const [cabinet, setCabinet] = useState<CabinetState | undefined>();
  const [route, setRoute] = useState<Route>(initial);
  const reloadCabinet = useCallback(async () => {
    const result = await callApi('cabinet:state', {});
    if (result.ok) setCabinet(result.value);
  }, []);
  useEffect(() => {
    void reloadCabinet();
  }, [reloadCabinet]);
  const navigate = useCallback((next: Route) => {
    setRoute(next);
    window.scrollTo?.(0, 0);
  }, []);
  const value = useMemo(() => ({ cabinet, setCabinet, reloadCabinet, route, navigate }), [cabinet, reloadCabinet, route, navigate]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the current window. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession outside SessionProvider');
  return value;
}
